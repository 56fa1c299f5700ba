import EmergentCore
import EmergentEngine
import EmergentModels
import Foundation
import Hummingbird
import NIOCore

/// `POST /v1/completions`: raw-prompt completion with echo and log-probabilities, as lm-evaluation-harness uses it.
struct CompletionsEndpoint: Sendable {
    let catalog: ModelCatalog
    let metrics: ServerMetrics

    /// One prompt, as text or token ids.
    enum PromptInput {
        case text(String)
        case tokens([Token])
    }

    struct Parameters {
        var model: String?
        var prompts: [PromptInput]
        var options: GenerationOptions
        var echo: Bool
        var logprobs: Int?
        var stream: Bool
        var includeUsage: Bool

        init(_ body: JSONValue) throws(APIError) {
            var fields = try RequestFields(body)
            model = try fields.string("model")
            guard let prompt = fields.value("prompt") else { throw fields.missing("prompt") }
            prompts = try Self.prompts(prompt)
            let sampling = try fields.sampling()
            echo = try fields.bool("echo") ?? false
            logprobs = try fields.int("logprobs", in: 0...20)
            let maxTokens = try fields.int("max_tokens", in: 0...Int(Int32.max)) ?? 16
            options = GenerationOptions(
                maxTokens: maxTokens, stop: try fields.stopStrings("stop", limit: 64), sampling: sampling,
                logprobs: logprobs, promptLogprobs: echo ? logprobs : nil,
                ignoreEndOfGeneration: try fields.bool("ignore_eos") ?? false)
            if let n = try fields.int("n", in: 1...128), n != 1 {
                throw .invalid("n", "'n' must be 1: send one request per sample instead.")
            }
            if let bestOf = try fields.int("best_of", in: 1...128), bestOf != 1 {
                throw .invalid("best_of", "'best_of' must be 1.")
            }
            if let suffix = try fields.string("suffix"), !suffix.isEmpty {
                throw .invalid("suffix", "'suffix' (fill-in-the-middle) is not supported.")
            }
            (stream, includeUsage) = try fields.streaming()
            try fields.rejectUnknown(ignoring: ["user", "logit_bias", "metadata", "store"])
        }

        /// A string, an array of strings, an array of token ids, or an array of token-id arrays.
        static func prompts(_ value: JSONValue) throws(APIError) -> [PromptInput] {
            func tokens(_ items: [JSONValue], path: String) throws(APIError) -> [Token] {
                var result: [Token] = []
                for (index, item) in items.enumerated() {
                    guard case .int(let id) = item, id >= 0, id <= Int(Int32.max) else {
                        throw .invalid("\(path).\(index)", "Token ids must be non-negative integers.", code: "invalid_type")
                    }
                    result.append(Token(id))
                }
                return result
            }
            switch value {
            case .string(let text): return [.text(text)]
            case .array(let items):
                guard let first = items.first else { throw .invalid("prompt", "'prompt' is an empty array.") }
                switch first {
                case .string:
                    return try items.enumerated().map { (index, item) throws(APIError) in
                        guard case .string(let text) = item else {
                            throw .invalid("prompt.\(index)", "Mixed prompt arrays are not allowed: expected strings.")
                        }
                        return .text(text)
                    }
                case .int: return [.tokens(try tokens(items, path: "prompt"))]
                case .array:
                    return try items.enumerated().map { (index, item) throws(APIError) in
                        guard case .array(let ids) = item, !ids.isEmpty else {
                            throw .invalid("prompt.\(index)", "Expected a non-empty array of token ids.")
                        }
                        return .tokens(try tokens(ids, path: "prompt.\(index)"))
                    }
                default:
                    throw .invalid("prompt", "'prompt' must be a string, strings, token ids or arrays of token ids.")
                }
            default:
                throw .invalid(
                    "prompt", "'prompt' must be a string, strings, token ids or arrays of token ids, not \(value.typeName).",
                    code: "invalid_type")
            }
        }
    }

    func respond(to body: JSONValue, started: ContinuousClock.Instant) async throws -> Response {
        let parameters = try Parameters(body)
        let service = try catalog.local(parameters.model, for: "Completions with this server's engine")
        let tokenizer = service.model.tokenizer
        // Submit every prompt before reading any, so they decode side by side; refusals surface as statuses.
        var streams: [AsyncThrowingStream<GenerationEvent, any Error>] = []
        var promptTokens: [[Token]] = []
        for prompt in parameters.prompts {
            let tokens: [Token] =
                switch prompt {
                case .text(let text): tokenizer.tokenize(text, addSpecial: true, parseSpecial: true)
                case .tokens(let ids): ids
                }
            promptTokens.append(tokens)
            streams.append(try await service.engine.submit(.tokens(tokens), options: parameters.options))
        }
        let reply = CompletionReply(
            id: Reply.id("cmpl"), created: Reply.now, model: service.name, tokenizer: tokenizer,
            echo: parameters.echo, logprobs: parameters.logprobs)
        let timing = StreamTiming(started: started)
        guard parameters.stream else {
            var choices: [CompletionChoice] = []
            for (index, stream) in streams.enumerated() {
                var choice = CompletionChoice(index: index, prompt: promptTokens[index])
                for try await event in stream {
                    if case .text = event { await timing.output(metrics) }
                    choice.apply(event)
                }
                choices.append(choice)
            }
            let usage = CompletionChoice.total(choices)
            await timing.finish(metrics, usage: usage)
            return Reply.json(reply.completion(choices, usage: usage))
        }
        let merged = Self.merge(streams)
        let includeUsage = parameters.includeUsage
        let prompts = promptTokens
        return Response(
            status: .ok, headers: Reply.eventStreamHeaders,
            body: ResponseBody { [metrics] writer in
                var choices = prompts.enumerated().map { CompletionChoice(index: $0.offset, prompt: $0.element) }
                for try await (index, event) in merged {
                    if case .text = event { await timing.output(metrics) }
                    if let chunk = reply.chunk(for: event, choice: &choices[index]) {
                        try await writer.write(Reply.event(chunk))
                    }
                }
                let usage = CompletionChoice.total(choices)
                await timing.finish(metrics, usage: usage)
                if includeUsage { try await writer.write(Reply.event(reply.usageChunk(usage))) }
                try await writer.write(Reply.done)
                try await writer.finish(nil)
            })
    }

    /// Interleaves several generations' events, tagged with their prompt index, as they arrive.
    static func merge(
        _ streams: [AsyncThrowingStream<GenerationEvent, any Error>]
    ) -> AsyncThrowingStream<(Int, GenerationEvent), any Error> {
        let boxes = streams.map { EventPump($0) }
        return .producing { continuation in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, pump) in boxes.enumerated() {
                    group.addTask {
                        while let event = try await pump.next() { continuation.yield((index, event)) }
                    }
                }
                try await group.waitForAll()
            }
        }
    }
}

/// One prompt's completion as it accumulates.
struct CompletionChoice {
    let index: Int
    let prompt: [Token]
    var text = ""
    var tokens: [GeneratedToken] = []
    var promptLogprobs: [TokenLogprob] = []
    var finish: FinishReason?
    var usage = Usage()
    /// Whether the echoed prompt has been streamed.
    var echoed = false
    /// Generated tokens whose log-probabilities have been streamed.
    var reportedTokens = 0
    /// Characters streamed so far: where the next chunk's `text_offset` starts.
    var streamedCharacters = 0

    init(index: Int, prompt: [Token]) {
        self.index = index
        self.prompt = prompt
    }

    mutating func apply(_ event: GenerationEvent) {
        switch event {
        case .prompt: break
        case .promptLogprobs(let values): promptLogprobs = values
        case .token(let token): tokens.append(token)
        case .text(let delta): text += delta
        case .finished(let summary):
            finish = summary.finishReason
            usage = summary.usage
        }
    }

    static func total(_ choices: [CompletionChoice]) -> Usage { choices.map(\.usage).reduce(Usage(), +) }
}

/// The JSON shapes of OpenAI's `text_completion` objects and chunks.
struct CompletionReply {
    let id: String
    let created: Int
    let model: String
    let tokenizer: Tokenizer
    let echo: Bool
    let logprobs: Int?

    func completion(_ choices: [CompletionChoice], usage: Usage) -> JSONValue {
        let rendered: [JSONValue] = choices.map { choice in
            var entries: [LogprobEntry] = []
            var text = choice.text
            if echo {
                let prompt = promptEntries(choice)
                text = prompt.map(\.text).joined() + text
                entries = prompt
            }
            entries += generatedEntries(choice.tokens)
            return [
                "index": .int(choice.index), "text": .string(text),
                "logprobs": logprobs == nil ? .null : Self.logprobs(entries, startingAt: 0),
                "finish_reason": .string((choice.finish ?? .maxTokens).openAIName),
            ]
        }
        return [
            "id": .string(id), "object": "text_completion", "created": .int(created), "model": .string(model),
            "choices": .array(rendered), "usage": ChatReply.usage(usage),
        ]
    }

    /// A chunk for one event, or nil when the event adds nothing a client sees.
    func chunk(for event: GenerationEvent, choice: inout CompletionChoice) -> JSONValue? {
        choice.apply(event)
        switch event {
        case .prompt, .token: return nil
        case .promptLogprobs:
            guard echo else { return nil }
            return streamed(text: "", choice: &choice)
        case .text(let delta):
            return streamed(text: delta, choice: &choice)
        case .finished(let summary):
            return streamed(text: "", choice: &choice, finish: summary.finishReason)
        }
    }

    /// A chunk with `text`, preceded by the echoed prompt the first time, carrying the log-probabilities of every
    /// token not yet reported, with offsets that continue from the previous chunks.
    private func streamed(text: String, choice: inout CompletionChoice, finish: FinishReason? = nil) -> JSONValue {
        var text = text
        var entries: [LogprobEntry] = []
        if echo && !choice.echoed {
            let prompt = promptEntries(choice)
            text = prompt.map(\.text).joined() + text
            entries = prompt
            choice.echoed = true
        }
        entries += generatedEntries(Array(choice.tokens[choice.reportedTokens...]))
        choice.reportedTokens = choice.tokens.count
        let chunk = chunk(
            index: choice.index, text: text, entries: entries, offset: choice.streamedCharacters, finish: finish)
        choice.streamedCharacters += text.count
        return chunk
    }

    func usageChunk(_ usage: Usage) -> JSONValue {
        [
            "id": .string(id), "object": "text_completion", "created": .int(created), "model": .string(model),
            "choices": [], "usage": ChatReply.usage(usage),
        ]
    }

    private func chunk(
        index: Int, text: String, entries: [LogprobEntry], offset: Int, finish: FinishReason?
    ) -> JSONValue {
        [
            "id": .string(id), "object": "text_completion", "created": .int(created), "model": .string(model),
            "choices": [
                [
                    "index": .int(index), "text": .string(text),
                    "logprobs": logprobs == nil ? .null : Self.logprobs(entries, startingAt: offset),
                    "finish_reason": finish.map { .string($0.openAIName) } ?? .null,
                ]
            ],
        ]
    }

    /// One token of the `logprobs` arrays.
    struct LogprobEntry {
        var text: String
        var logprob: Double?
        var top: [(String, Double)]?
    }

    private func piece(_ token: Token) -> String {
        String(decoding: tokenizer.pieceBytes(token, renderSpecial: false), as: UTF8.self)
    }

    /// The echoed prompt's tokens: the first has no log-probability (nothing precedes it).
    private func promptEntries(_ choice: CompletionChoice) -> [LogprobEntry] {
        choice.prompt.enumerated().map { position, token in
            guard position > 0, position - 1 < choice.promptLogprobs.count else {
                return LogprobEntry(text: piece(token), logprob: nil, top: nil)
            }
            let scored = choice.promptLogprobs[position - 1]
            return LogprobEntry(
                text: piece(token), logprob: scored.logprob, top: scored.top.map { (piece($0.token), $0.logprob) })
        }
    }

    private func generatedEntries(_ tokens: [GeneratedToken]) -> [LogprobEntry] {
        tokens.map { token in
            LogprobEntry(
                text: String(decoding: token.bytes, as: UTF8.self), logprob: token.logprob?.logprob,
                top: token.logprob.map { $0.top.map { (piece($0.token), $0.logprob) } })
        }
    }

    static func logprobs(_ entries: [LogprobEntry], startingAt offset: Int) -> JSONValue {
        var offsets: [JSONValue] = []
        var position = offset
        for entry in entries {
            offsets.append(.int(position))
            position += entry.text.count
        }
        return [
            "tokens": .array(entries.map { .string($0.text) }),
            "token_logprobs": .array(entries.map { $0.logprob.map(JSONValue.double) ?? .null }),
            "top_logprobs": .array(
                entries.map { entry in
                    guard let top = entry.top else { return .null }
                    return .object(JSONObject(top.map { ($0.0, JSONValue.double($0.1)) }))
                }),
            "text_offset": .array(offsets),
        ]
    }
}
