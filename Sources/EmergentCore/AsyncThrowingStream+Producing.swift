extension AsyncThrowingStream where Failure == any Error {
    /// A stream fed by `produce`, which runs in its own task: the stream finishes when `produce` returns, fails with
    /// what it throws, and cancelling (or dropping) the consumer cancels the task.
    public static func producing(
        _ produce: @escaping @Sendable (Continuation) async throws -> Void
    ) -> AsyncThrowingStream<Element, any Error> where Element: Sendable {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: Element.self)
        let task = Task {
            do {
                try await produce(continuation)
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
