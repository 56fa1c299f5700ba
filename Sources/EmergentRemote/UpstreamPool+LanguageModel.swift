import EmergentCore
import EmergentModels
import Logging

extension UpstreamPool: LanguageModel {
    /// Streams the reply from one upstream, moving on to the next when one fails before its first event.
    public nonisolated func stream(_ request: ChatRequest) -> AsyncThrowingStream<ModelEvent, any Error> {
        .producing { continuation in try await self.streamChat(request) { continuation.yield($0) } }
    }

    private nonisolated func streamChat(_ request: ChatRequest, yield: (ModelEvent) -> Void) async throws {
        var tried: Set<Int> = []
        var lastError: (any Error)?
        while let index = await acquire(excluding: tried) {
            tried.insert(index)
            var yielded = false
            do {
                try await upstreams[index].streamChat(request) { event in
                    yielded = true
                    yield(event)
                }
                await release(index, .succeeded)
                return
            } catch {
                await release(index, Self.outcome(of: error))
                guard !yielded, let remote = error as? RemoteBackendError, remote.allowsFailover else { throw error }
                logger.warning(
                    "failing over to the next upstream",
                    metadata: [
                        "model": "\(model)", "url": "\(upstreams[index].endpoint.baseURL)", "error": "\(remote)",
                    ])
                lastError = error
            }
        }
        throw lastError ?? CancellationError()
    }
}
