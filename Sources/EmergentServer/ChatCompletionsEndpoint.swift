import EmergentCore
import EmergentModels
import Foundation
import Hummingbird
import NIOCore

/// `POST /v1/chat/completions`: OpenAI's chat API over any served model, whole or streamed.
struct ChatCompletionsEndpoint: Sendable {
    let catalog: ModelCatalog
    let metrics: ServerMetrics

    func respond(to body: JSONValue, started: ContinuousClock.Instant) async throws -> Response {
        let parameters = try ChatCompletionParameters(body)
        let served = try catalog.resolve(parameters.model)
        // One generation per choice, all started at once so they decode side by side; with a seed, choice i uses
        // seed + i so the choices differ but stay reproducible.
        var pumps: [EventPump<ModelEvent>] = []
        var firsts: [ModelEvent?] = []
        for choice in 0..<parameters.choices {
            var request = parameters.request
            if let seed = request.sampling.seed { request.sampling.seed = seed &+ UInt32(choice) }
            pumps.append(EventPump(served.languageModel.stream(request)))
        }
        // Waiting for the first events means a refused request (prompt too long, queue full) still gets its status.
        for pump in pumps { firsts.append(try await pump.next()) }
        let timing = StreamTiming(started: started)
        let reply = ChatReply(id: Reply.id("chatcmpl"), created: Reply.now, model: served.name)
        guard parameters.stream else {
            var assembled: [AssembledChat] = []
            for (pump, first) in zip(pumps, firsts) {
                var chat = AssembledChat()
                var event = first
                while let current = event {
                    if current.isOutput { await timing.output(metrics) }
                    chat.apply(current)
                    event = try await pump.next()
                }
                assembled.append(chat)
            }
            let usage = assembled.compactMap(\.usage).reduce(Usage(), +)
            await timing.finish(metrics, usage: usage)
            return Reply.json(reply.completion(assembled, usage: usage))
        }
        let includeUsage = parameters.includeUsage
        let merged = Self.merge(pumps, firsts: firsts)
        let count = parameters.choices
        return Response(
            status: .ok, headers: Reply.eventStreamHeaders,
            body: ResponseBody { [metrics] writer in
                var states = Array(repeating: StreamState(), count: count)
                for choice in 0..<count {
                    try await writer.write(
                        Reply.event(reply.chunk(choice: choice, delta: ["role": "assistant", "content": ""])))
                }
                for try await (choice, event) in merged {
                    if event.isOutput { await timing.output(metrics) }
                    for chunk in reply.chunks(for: event, choice: choice, state: &states[choice]) {
                        try await writer.write(Reply.event(chunk))
                    }
                }
                let usage = states.compactMap(\.usage).reduce(Usage(), +)
                await timing.finish(metrics, usage: usage)
                if includeUsage { try await writer.write(Reply.event(reply.usageChunk(usage))) }
                try await writer.write(Reply.done)
                try await writer.finish(nil)
            })
    }

    /// Interleaves several choices' events, tagged with their choice index, as they arrive.
    static func merge(
        _ pumps: [EventPump<ModelEvent>], firsts: [ModelEvent?]
    ) -> AsyncThrowingStream<(Int, ModelEvent), any Error> {
        .producing { continuation in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (choice, pump) in pumps.enumerated() {
                    let first = firsts[choice]
                    group.addTask {
                        var event = first
                        while let current = event {
                            continuation.yield((choice, current))
                            event = try await pump.next()
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }
}

/// Times one response for the metrics: time to first output, gaps between outputs.
actor StreamTiming {
    private let started: ContinuousClock.Instant
    private var last: ContinuousClock.Instant?
    private var gaps: [Double] = []

    init(started: ContinuousClock.Instant) { self.started = started }

    func output(_ metrics: ServerMetrics) async {
        let now = ContinuousClock.now
        if let last {
            gaps.append((now - last) / .seconds(1))
        } else {
            await metrics.recordFirstToken(after: (now - started) / .seconds(1))
        }
        last = now
    }

    func finish(_ metrics: ServerMetrics, usage: Usage?) async {
        await metrics.recordInterTokenLatency(gaps)
        if let usage {
            await metrics.recordUsage(
                prompt: usage.promptTokens, cached: usage.reusedPromptTokens, generated: usage.completionTokens)
        }
    }
}

extension ModelEvent {
    /// Whether the event carries output the client sees.
    var isOutput: Bool {
        switch self {
        case .content, .reasoning, .toolCallStart, .toolCallArguments, .malformed: true
        case .logprobs, .finished: false
        }
    }
}

/// A whole (non-streamed) reply, assembled from events.
struct AssembledChat {
    var content = ""
    var reasoning = ""
    var calls: [(id: String, name: String, arguments: String)] = []
    var logprobs: [OutputLogprob] = []
    var wantsLogprobs = false
    var finish: FinishReason = .endOfGeneration
    var usage: Usage?

    mutating func apply(_ event: ModelEvent) {
        switch event {
        case .content(let text), .malformed(let text, _): content += text
        case .reasoning(let text): reasoning += text
        case .toolCallStart(let index, let id, let name):
            while calls.count <= index { calls.append(("", "", "")) }
            calls[index].id = id
            calls[index].name = name
        case .toolCallArguments(let index, let fragment):
            while calls.count <= index { calls.append(("", "", "")) }
            calls[index].arguments += fragment
        case .logprobs(let values):
            wantsLogprobs = true
            logprobs += values
        case .finished(let reason, let usage):
            finish = reason
            self.usage = usage
        }
    }
}

/// What a streamed reply has sent so far.
struct StreamState {
    var pendingLogprobs: [OutputLogprob] = []
    var usage: Usage?
}

/// The JSON shapes of OpenAI's chat completion objects and chunks.
struct ChatReply {
    let id: String
    let created: Int
    let model: String

    func completion(_ chats: [AssembledChat], usage: Usage) -> JSONValue {
        let choices: [JSONValue] = chats.enumerated().map { index, chat in
            var message: JSONObject = ["role": "assistant"]
            message["content"] = chat.content.isEmpty && !chat.calls.isEmpty ? .null : .string(chat.content)
            if !chat.reasoning.isEmpty { message["reasoning_content"] = .string(chat.reasoning) }
            if !chat.calls.isEmpty {
                message["tool_calls"] = .array(
                    chat.calls.map { call in
                        [
                            "id": .string(call.id), "type": "function",
                            "function": ["name": .string(call.name), "arguments": .string(call.arguments)],
                        ]
                    })
            }
            return [
                "index": .int(index), "message": .object(message),
                "logprobs": chat.wantsLogprobs ? Self.logprobs(chat.logprobs) : .null,
                "finish_reason": .string(chat.finish.openAIName),
            ]
        }
        return [
            "id": .string(id), "object": "chat.completion", "created": .int(created), "model": .string(model),
            "choices": .array(choices), "usage": Self.usage(usage),
        ]
    }

    func chunk(choice: Int = 0, delta: JSONValue, finish: String? = nil, logprobs: JSONValue = .null) -> JSONValue {
        [
            "id": .string(id), "object": "chat.completion.chunk", "created": .int(created), "model": .string(model),
            "choices": [
                ["index": .int(choice), "delta": delta, "logprobs": logprobs, "finish_reason": finish.map(JSONValue.string) ?? .null]
            ],
        ]
    }

    func usageChunk(_ usage: Usage) -> JSONValue {
        [
            "id": .string(id), "object": "chat.completion.chunk", "created": .int(created), "model": .string(model),
            "choices": [], "usage": Self.usage(usage),
        ]
    }

    /// The chunks one event becomes; log-probabilities ride on the next chunk that carries output.
    func chunks(for event: ModelEvent, choice: Int, state: inout StreamState) -> [JSONValue] {
        func take() -> JSONValue {
            guard !state.pendingLogprobs.isEmpty else { return .null }
            defer { state.pendingLogprobs.removeAll() }
            return Self.logprobs(state.pendingLogprobs)
        }
        switch event {
        case .content(let text), .malformed(let text, _):
            return text.isEmpty ? [] : [chunk(choice: choice, delta: ["content": .string(text)], logprobs: take())]
        case .reasoning(let text):
            return text.isEmpty ? [] : [chunk(choice: choice, delta: ["reasoning_content": .string(text)], logprobs: take())]
        case .toolCallStart(let index, let id, let name):
            let call: JSONValue = [
                "index": .int(index), "id": .string(id), "type": "function",
                "function": ["name": .string(name), "arguments": ""],
            ]
            return [chunk(choice: choice, delta: ["tool_calls": [call]], logprobs: take())]
        case .toolCallArguments(let index, let fragment):
            guard !fragment.isEmpty else { return [] }
            let call: JSONValue = ["index": .int(index), "function": ["arguments": .string(fragment)]]
            return [chunk(choice: choice, delta: ["tool_calls": [call]], logprobs: take())]
        case .logprobs(let values):
            state.pendingLogprobs += values
            return []
        case .finished(let reason, let usage):
            state.usage = usage
            return [chunk(choice: choice, delta: [:], finish: reason.openAIName, logprobs: take())]
        }
    }

    static func usage(_ usage: Usage) -> JSONValue {
        [
            "prompt_tokens": .int(usage.promptTokens), "completion_tokens": .int(usage.completionTokens),
            "total_tokens": .int(usage.totalTokens),
            "prompt_tokens_details": ["cached_tokens": .int(usage.reusedPromptTokens)],
        ]
    }

    static func logprobs(_ values: [OutputLogprob]) -> JSONValue {
        [
            "content": .array(
                values.map { value in
                    [
                        "token": .string(value.token), "logprob": .double(value.logprob),
                        "bytes": .array(value.bytes.map { .int(Int($0)) }),
                        "top_logprobs": .array(
                            value.top.map { top in
                                [
                                    "token": .string(top.token), "logprob": .double(top.logprob),
                                    "bytes": .array(top.bytes.map { .int(Int($0)) }),
                                ]
                            }),
                    ]
                })
        ]
    }
}
