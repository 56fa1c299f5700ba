import Synchronization

/// Races operations and returns (or throws) whatever finishes first, then cancels the others. Unlike a task group,
/// it does not wait for losers that ignore cancellation (an MCP request awaiting a reply that never comes); the
/// caller cleans those up (cancels the request, disconnects the client).
enum FirstResult {
    static func of<Value: Sendable>(_ operations: [@Sendable () async throws -> Value]) async throws -> Value {
        let gate = Gate<Value>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                gate.arm(continuation)
                let tasks = operations.map { operation in
                    Task {
                        do { gate.finish(.success(try await operation())) } catch { gate.finish(.failure(error)) }
                    }
                }
                gate.onFinish { for task in tasks { task.cancel() } }
            }
        } onCancel: {
            gate.finish(.failure(CancellationError()))
        }
    }

    private final class Gate<Value: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<Value, any Error>?
            var result: Result<Value, any Error>?
            var cleanup: (@Sendable () -> Void)?
            var finished = false
        }

        private let state = Mutex(State())

        func arm(_ continuation: CheckedContinuation<Value, any Error>) {
            let early = state.withLock { state -> Result<Value, any Error>? in
                if let result = state.result { return result }
                state.continuation = continuation
                return nil
            }
            if let early { continuation.resume(with: early) }
        }

        func onFinish(_ cleanup: @escaping @Sendable () -> Void) {
            let runNow = state.withLock { state -> Bool in
                if state.finished { return true }
                state.cleanup = cleanup
                return false
            }
            if runNow { cleanup() }
        }

        func finish(_ result: Result<Value, any Error>) {
            let (continuation, cleanup) = state.withLock { state -> (CheckedContinuation<Value, any Error>?, (@Sendable () -> Void)?) in
                guard !state.finished else { return (nil, nil) }
                state.finished = true
                if state.continuation == nil { state.result = result }
                defer { state.continuation = nil; state.cleanup = nil }
                return (state.continuation, state.cleanup)
            }
            continuation?.resume(with: result)
            cleanup?()
        }
    }
}
