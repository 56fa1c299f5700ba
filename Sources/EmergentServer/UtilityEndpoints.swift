import EmergentCore
import EmergentEngine
import Foundation
import Hummingbird
import NIOCore

/// `/v1/models`, `/v1/embeddings`, and vLLM's tokenizer endpoints (`/tokenizer_info`, `/tokenize`, `/detokenize`).
struct UtilityEndpoints: Sendable {
    let catalog: ModelCatalog

    func models() -> Response {
        Reply.json(["object": "list", "data": .array(catalog.models.map(Self.describe))])
    }

    func model(_ name: String) throws(APIError) -> Response {
        Reply.json(Self.describe(try catalog.resolve(name)))
    }

    private static func describe(_ model: ServedModel) -> JSONValue {
        var object: JSONObject = ["id": .string(model.name), "object": "model"]
        if case .local(let service) = model {
            object["created"] = .int(service.created)
            object["max_model_len"] = .int(service.engine.slotContextLength)
        } else {
            object["created"] = .int(0)
        }
        object["owned_by"] = .string(model.ownedBy)
        return .object(object)
    }

    func embeddings(_ body: JSONValue) async throws -> Response {
        var fields = try RequestFields(body)
        let name = try fields.string("model")
        let service = try catalog.local(name, for: "Embeddings")
        guard let input = fields.value("input") else { throw fields.missing("input") }
        let format = try fields.string("encoding_format") ?? "float"
        guard format == "float" || format == "base64" else {
            throw APIError.invalid("encoding_format", "'encoding_format' must be 'float' or 'base64'.")
        }
        let dimensions = try fields.int("dimensions", in: 1...Int.max)
        try fields.rejectUnknown(ignoring: ["user"])
        let tokenizer = service.model.tokenizer
        let texts = try CompletionsEndpoint.Parameters.prompts(input).map {
            switch $0 {
            case .text(let text): text
            case .tokens(let ids): tokenizer.detokenize(ids)
            }
        }
        guard texts.count <= 2048 else { throw APIError.invalid("input", "At most 2048 inputs per request.") }
        if let index = texts.firstIndex(where: \.isEmpty) {
            throw APIError.invalid("input.\(index)", "Input \(index) is empty; embeddings need at least one token.")
        }
        let embedder = try await service.embeddings()
        var data: [JSONValue] = []
        var tokens = 0
        for (index, text) in texts.enumerated() {
            var vector = try await embedder.embed(text)
            if let dimensions, dimensions < vector.count { vector = Array(vector.prefix(dimensions)) }
            tokens += tokenizer.tokenize(text, addSpecial: true).count
            let embedding: JSONValue =
                format == "base64"
                ? .string(vector.withUnsafeBytes { Data($0).base64EncodedString() })
                : .array(vector.map { .double(Double($0)) })
            data.append(["object": "embedding", "index": .int(index), "embedding": embedding])
        }
        return Reply.json([
            "object": "list", "data": .array(data), "model": .string(service.name),
            "usage": ["prompt_tokens": .int(tokens), "total_tokens": .int(tokens)],
        ])
    }

    func tokenizerInfo(model name: String?) throws(APIError) -> Response {
        let service = try catalog.local(name, for: "The tokenizer")
        let special = service.model.metadata.specialTokens
        var info: JSONObject = [:]
        info["model"] = .string(service.name)
        info["eos_token"] = special["eos"].map { .string($0.text) } ?? .null
        info["bos_token"] = special["bos"].map { .string($0.text) } ?? .null
        info["pad_token"] = special["pad"].map { .string($0.text) } ?? .null
        info["chat_template"] = service.chatTemplate.map(JSONValue.string) ?? .null
        info["model_max_length"] = .int(service.engine.slotContextLength)
        info["vocab_size"] = .int(service.model.metadata.vocabularySize)
        return Reply.json(.object(info))
    }

    func tokenize(_ body: JSONValue) throws(APIError) -> Response {
        var fields = try RequestFields(body)
        let service = try catalog.local(try fields.string("model"), for: "Tokenizing")
        let prompt = try fields.requiredString("prompt")
        let addSpecial = try fields.bool("add_special_tokens") ?? true
        let withPieces = try fields.bool("return_token_strs") ?? false
        try fields.rejectUnknown()
        let tokenizer = service.model.tokenizer
        let tokens = tokenizer.tokenize(prompt, addSpecial: addSpecial, parseSpecial: true)
        var reply: JSONObject = [
            "count": .int(tokens.count), "max_model_len": .int(service.engine.slotContextLength),
            "tokens": .array(tokens.map { .int(Int($0)) }),
        ]
        if withPieces {
            reply["token_strs"] = .array(
                tokens.map { .string(String(decoding: tokenizer.pieceBytes($0, renderSpecial: true), as: UTF8.self)) })
        }
        return Reply.json(.object(reply))
    }

    func detokenize(_ body: JSONValue) throws(APIError) -> Response {
        var fields = try RequestFields(body)
        let service = try catalog.local(try fields.string("model"), for: "Detokenizing")
        guard let raw = try fields.array("tokens") else { throw fields.missing("tokens") }
        try fields.rejectUnknown()
        let tokenizer = service.model.tokenizer
        var tokens: [Token] = []
        for (index, item) in raw.enumerated() {
            guard let id = item.intValue, id >= 0, id < service.model.metadata.vocabularySize else {
                throw .invalid(
                    "tokens.\(index)", "Token ids must be integers in 0..<\(service.model.metadata.vocabularySize).")
            }
            tokens.append(Token(id))
        }
        return Reply.json(["prompt": .string(tokenizer.detokenize(tokens))])
    }
}
