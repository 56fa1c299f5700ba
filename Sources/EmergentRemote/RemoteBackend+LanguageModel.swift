import AsyncHTTPClient
import EmergentCore
import EmergentModels
import Foundation
import NIOCore
import NIOHTTP1

extension RemoteBackend: LanguageModel {
    /// Streams a chat completion from the server (`POST /chat/completions` with `stream: true`).
    ///
    /// Failures before the first event reaches the consumer are retried as the endpoint allows; a failure after it
    /// ends the stream with a ``RemoteBackendError``. Cancelling the consumer cancels the HTTP request.
    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ModelEvent, any Error> {
        .producing { continuation in try await self.streamChat(request) { continuation.yield($0) } }
    }

    /// Sends `request` and hands each event to `yield`, retrying only while nothing has been yielded.
    func streamChat(_ request: ChatRequest, yield: (ModelEvent) -> Void) async throws {
        let url = endpoint.url(for: "/chat/completions")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let body = try encoder.encode(ChatCompletionRequestBody(request, model: endpoint.model))
        let http = makeRequest(url: url, method: .POST, body: ByteBuffer(bytes: body), accept: "text/event-stream")
        let deadline = deadline()
        var yielded = false
        try await withRetries(url: url, deadline: deadline) { _ in
            do {
                let response = try await client.execute(http, deadline: deadline, logger: logger)
                try await Self.requireSuccess(response, url: url)
                var parser = ServerSentEventParser()
                var decoder = ChatStreamDecoder(url: url)
                func deliver(_ events: [ModelEvent]) {
                    for event in events {
                        yielded = true
                        yield(event)
                    }
                }
                for try await piece in response.body {
                    for event in parser.feed(piece.readableBytesView) { deliver(try decoder.decode(event)) }
                }
                if let event = parser.finish() { deliver(try decoder.decode(event)) }
                deliver(try decoder.end())
            } catch {
                throw failure(error, url: url, retriable: !yielded)
            }
        }
    }
}
