import EmergentCore
import EmergentModels
import Foundation

/// Turns the events of a streamed chat completion into `ModelEvent`s, ending with exactly one `.finished`.
///
/// The finish is announced once both the finish reason and the usage chunk have arrived, or at `[DONE]` or the end
/// of the body with whatever is known by then. A body that ends before any finish reason is an incomplete stream.
struct ChatStreamDecoder {
    let url: String
    private var calls: [Int: PendingCall] = [:]
    private var finishReason: String?
    private var usage: ChatCompletionChunk.UsageValue?
    private var timings: ChatCompletionChunk.Timings?
    private var finished = false
    private var sawDone = false
    private let decoder = JSONDecoder()

    init(url: String) { self.url = url }

    /// A tool call whose name may not have arrived yet; argument pieces wait until it has.
    private struct PendingCall {
        var id: String?
        var name: String?
        var arguments = ""
        var started = false
    }

    mutating func decode(_ event: ServerSentEvent) throws -> [ModelEvent] {
        // Whatever follows the finish (normally just `[DONE]`) changes nothing.
        guard !finished else { return [] }
        if event.name == "error" {
            let message = UpstreamErrorMessage.message(in: Array(event.data.utf8))
            throw RemoteBackendError.streamFailed(message: message, url: url)
        }
        if event.data.trimmingCharacters(in: .whitespaces) == "[DONE]" {
            sawDone = true
            return finish()
        }
        let chunk: ChatCompletionChunk
        do {
            chunk = try decoder.decode(ChatCompletionChunk.self, from: Data(event.data.utf8))
        } catch {
            throw RemoteBackendError.invalidResponse(url: url, reason: "a stream chunk did not decode (\(error))")
        }
        if let failure = chunk.error { throw RemoteBackendError.streamFailed(message: failure.message, url: url) }

        var events: [ModelEvent] = []
        // Only one choice is asked for; servers number it 0.
        if let choice = chunk.choices?.first(where: { ($0.index ?? 0) == 0 }) {
            if let delta = choice.delta {
                if let text = delta.reasoningContent ?? delta.reasoning, !text.isEmpty {
                    events.append(.reasoning(text))
                }
                if let text = delta.content, !text.isEmpty { events.append(.content(text)) }
                for (position, piece) in (delta.toolCalls ?? []).enumerated() {
                    events += toolCall(piece, index: piece.index ?? position)
                }
            }
            if let tokens = choice.logprobs?.content, !tokens.isEmpty {
                events.append(.logprobs(tokens.map(Self.outputLogprob)))
            }
            if let reason = choice.finishReason { finishReason = reason }
        }
        if let value = chunk.usage { usage = value }
        if let value = chunk.timings { timings = value }
        if finishReason != nil, usage != nil { events += finish() }
        return events
    }

    /// Called when the body ends; throws when the server never said the reply was finished.
    mutating func end() throws -> [ModelEvent] {
        guard !finished else { return [] }
        guard finishReason != nil || sawDone else { throw RemoteBackendError.incompleteStream(url: url) }
        return finish()
    }

    private mutating func toolCall(_ piece: ChatCompletionChunk.ToolCallDelta, index: Int) -> [ModelEvent] {
        var call = calls[index] ?? PendingCall()
        defer { calls[index] = call }
        let fragment = piece.function?.arguments ?? ""
        if call.started {
            return fragment.isEmpty ? [] : [.toolCallArguments(index: index, fragment: fragment)]
        }
        call.id = call.id ?? piece.id
        if let name = piece.function?.name, !name.isEmpty { call.name = (call.name ?? "") + name }
        call.arguments += fragment
        guard let name = call.name else { return [] }
        call.started = true
        var events: [ModelEvent] = [.toolCallStart(index: index, id: call.id ?? "call_\(index)", name: name)]
        if !call.arguments.isEmpty { events.append(.toolCallArguments(index: index, fragment: call.arguments)) }
        call.arguments = ""
        return events
    }

    private mutating func finish() -> [ModelEvent] {
        guard !finished else { return [] }
        finished = true
        var events: [ModelEvent] = []
        for (index, call) in calls.sorted(by: { $0.key < $1.key }) where !call.started && !call.arguments.isEmpty {
            events.append(.malformed(text: call.arguments, reason: "tool call \(index) never received a name"))
        }
        let sawCall = calls.values.contains { $0.started }
        let reason: FinishReason =
            switch finishReason {
            case "length": .maxTokens
            case "tool_calls", "function_call": .toolCalls
            default: sawCall ? .toolCalls : .endOfGeneration
            }
        events.append(.finished(reason, Self.usage(usage, timings: timings)))
        return events
    }

    /// OpenAI's usage, with llama-server's timings (which come on the last chunk) where it sends them.
    private static func usage(_ value: ChatCompletionChunk.UsageValue?, timings: ChatCompletionChunk.Timings?) -> Usage
    {
        Usage(
            promptTokens: value?.promptTokens ?? 0,
            reusedPromptTokens: value?.promptTokensDetails?.cachedTokens ?? timings?.cacheN ?? 0,
            completionTokens: value?.completionTokens ?? 0,
            promptSeconds: (timings?.promptMs ?? 0) / 1000,
            generationSeconds: (timings?.predictedMs ?? 0) / 1000)
    }

    private static func outputLogprob(_ value: ChatCompletionChunk.TokenLogprob) -> OutputLogprob {
        OutputLogprob(
            token: value.token, bytes: value.bytes ?? Array(value.token.utf8), logprob: value.logprob ?? -.infinity,
            top: (value.topLogprobs ?? []).map {
                OutputLogprob.Alternative(
                    token: $0.token, bytes: $0.bytes ?? Array($0.token.utf8), logprob: $0.logprob ?? -.infinity)
            })
    }
}
