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
            var sampling = SamplingParameters()
            sampling.temperature = try fields.double("temperature", in: 0...2) ?? 1
            sampling.topP = try fields.double("top_p", in: 0...1) ?? 1
            sampling.topK = try fields.int("top_k", in: 0...Int.max) ?? 0
            sampling.minP = try fields.double("min_p", in: 0...1) ?? 0
            sampling.repeatPenalty = try fields.double("repetition_penalty", in: 0.01...10) ?? 1
            sampling.presencePenalty = try fields.double("presence_penalty", in: -2...2) ?? 0
            sampling.frequencyPenalty = try fields.double("frequency_penalty", in: -2...2) ?? 0
            if let seed = try fields.int("seed", in: Int.min...Int.max) {
                sampling.seed = UInt32(truncatingIfNeeded: seed)
            }
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
            stream = try fields.bool("stream") ?? false
            includeUsage = false
            if var streamOptions = try fields.object("stream_options") {
                includeUsage = try streamOptions.bool("include_usage") ?? false
                try streamOptions.rejectUnknown(ignoring: ["continuous_usage_stats"])
            }
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

    static func total(_ choices: [CompletionChoice]) -> Usage {
        var total = Usage()
        for choice in choices {
            total.promptTokens += choice.usage.promptTokens
            total.reusedPromptTokens += choice.usage.reusedPromptTokens
            total.completionTokens += choice.usage.completionTokens
        }
        return total
    }
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
            let entries = promptEntries(choice)
            choice.echoed = true
            return chunk(index: choice.index, text: entries.map(\.text).joined(), entries: entries)
        case .text(let delta):
            var text = delta
            var entries: [LogprobEntry] = []
            if echo && !choice.echoed {
                let prompt = promptEntries(choice)
                text = prompt.map(\.text).joined() + text
                entries = prompt
                choice.echoed = true
            }
            if let last = choice.tokens.last { entries += generatedEntries([last]) }
            return chunk(index: choice.index, text: text, entries: entries)
        case .finished(let summary):
            var chunk = chunk(index: choice.index, text: "", entries: [])
            if case .object(var object) = chunk, case .array(var list)? = object["choices"],
                case .object(var first)? = list.first
            {
                first["finish_reason"] = .string(summary.finishReason.openAIName)
                list[0] = .object(first)
                object["choices"] = .array(list)
                chunk = .object(object)
            }
            return chunk
        }
    }

    func usageChunk(_ usage: Usage) -> JSONValue {
        [
            "id": .string(id), "object": "text_completion", "created": .int(created), "model": .string(model),
            "choices": [], "usage": ChatReply.usage(usage),
        ]
    }

    private func chunk(index: Int, text: String, entries: [LogprobEntry]) -> JSONValue {
        [
            "id": .string(id), "object": "text_completion", "created": .int(created), "model": .string(model),
            "choices": [
                [
                    "index": .int(index), "text": .string(text),
                    "logprobs": logprobs == nil ? .null : Self.logprobs(entries, startingAt: 0),
                    "finish_reason": .null,
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
