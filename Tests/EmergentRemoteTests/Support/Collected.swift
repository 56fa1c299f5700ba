import EmergentCore
import EmergentModels
import EmergentRemote

/// Everything a streamed reply produced, including the error that ended it, if any.
struct Collected {
    var events: [ModelEvent] = []
    var error: (any Error)?

    var content: String {
        events.reduce(into: "") { text, event in if case .content(let piece) = event { text += piece } }
    }
    var reasoning: String {
        events.reduce(into: "") { text, event in if case .reasoning(let piece) = event { text += piece } }
    }
    var toolCallStarts: [(index: Int, id: String, name: String)] {
        events.compactMap { event in
            if case .toolCallStart(let index, let id, let name) = event { return (index, id, name) }
            return nil
        }
    }
    func arguments(of index: Int) -> String {
        events.reduce(into: "") { text, event in
            if case .toolCallArguments(index, let fragment) = event { text += fragment }
        }
    }
    var logprobs: [OutputLogprob] {
        events.flatMap { event -> [OutputLogprob] in
            if case .logprobs(let tokens) = event { return tokens }
            return []
        }
    }
    var finishes: [(reason: FinishReason, usage: Usage)] {
        events.compactMap { event in
            if case .finished(let reason, let usage) = event { return (reason, usage) }
            return nil
        }
    }
    var remoteError: RemoteBackendError? { error as? RemoteBackendError }

    /// Reads the whole stream, keeping the error rather than throwing it.
    static func from(_ stream: AsyncThrowingStream<ModelEvent, any Error>) async -> Collected {
        var collected = Collected()
        do {
            for try await event in stream { collected.events.append(event) }
        } catch {
            collected.error = error
        }
        return collected
    }
}

/// One HTTP client for the tests' backends; it lives as long as the test process, so it is never shut down.
let sharedClient = RemoteBackend.makeHTTPClient(connectTimeout: .seconds(2))

/// A backend on the shared client with quick retries.
func backend(
    _ baseURL: String, maxRetries: Int = 2, timeout: Duration = .seconds(120), backoff: Duration = .milliseconds(10),
    apiKey: String? = nil, model: String = "test-model"
) -> RemoteBackend {
    RemoteBackend(
        endpoint: RemoteEndpoint(
            baseURL: baseURL, apiKey: apiKey, model: model, requestTimeout: timeout, maxRetries: maxRetries,
            backoffBase: backoff),
        httpClient: sharedClient)
}
