import Synchronization

/// Runs `operation` in its own task and returns its result, or `nil` once `seconds` have passed — without waiting
/// for an operation that ignores cancellation (it is cancelled and left to finish on its own). Cancelling the
/// caller cancels the operation and returns `nil`.
func withDeadline<T: Sendable>(
    seconds: Double, _ operation: @escaping @Sendable () async -> T
) async -> T? {
    let gate = OnceGate<T?>()
    return await withTaskCancellationHandler {
        await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
            gate.arm(continuation)
            let work = Task {
                let value = await operation()
                gate.resume(value)
            }
            let timer = Task {
                try? await Task.sleep(for: .seconds(max(seconds, 0)))
                if gate.resume(nil) { work.cancel() }
            }
            gate.setWork(work, timer: timer)
        }
    } onCancel: {
        if gate.resume(nil) { gate.cancelWork() }
    }
}

/// Resumes a continuation exactly once, whoever gets there first (the work, the timer, or cancellation).
private final class OnceGate<Result: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Result, Never>?
        var early: Result?
        var hasEarly = false
        var finished = false
        var work: Task<Void, Never>?
        var timer: Task<Void, Never>?
    }
    private let state = Mutex(State())

    func arm(_ continuation: CheckedContinuation<Result, Never>) {
        let early: Result? = state.withLock { state in
            guard state.hasEarly else {
                state.continuation = continuation
                return nil
            }
            return state.early
        }
        if let early { continuation.resume(returning: early) }
    }

    /// Records the tasks racing for the gate; once it is resumed, the timer is no longer needed.
    func setWork(_ work: Task<Void, Never>, timer: Task<Void, Never>) {
        let finished = state.withLock { state in
            state.work = work
            state.timer = timer
            return state.finished
        }
        // Already decided (cancelled, or a zero deadline) before the tasks were recorded: stop both.
        if finished {
            work.cancel()
            timer.cancel()
        }
    }

    /// Delivers `value` unless something already was; returns whether this call was first.
    @discardableResult
    func resume(_ value: Result) -> Bool {
        let (first, continuation) = state.withLock { state -> (Bool, CheckedContinuation<Result, Never>?) in
            guard !state.finished else { return (false, nil) }
            state.finished = true
            if let continuation = state.continuation {
                state.continuation = nil
                return (true, continuation)
            }
            state.early = value
            state.hasEarly = true
            return (true, nil)
        }
        continuation?.resume(returning: value)
        if first { state.withLock { $0.timer }?.cancel() }
        return first
    }

    func cancelWork() {
        state.withLock { $0.work }?.cancel()
    }
}
