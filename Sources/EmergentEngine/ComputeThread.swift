import Foundation

/// A dedicated OS thread that runs an actor's jobs in order, so llama.cpp's blocking calls never occupy a thread
/// of Swift's cooperative pool.
///
/// `InferenceSession` uses one as its actor executor: every isolated method runs here, including the
/// long-running decode loop, while the rest of the process keeps its threads.
final class ComputeThread: SerialExecutor, @unchecked Sendable {
    // Guarded by `condition`.
    private var jobs: [UnownedJob] = []
    private var head = 0
    private var stopping = false
    private let condition = NSCondition()

    init(name: String) {
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.lock()
        jobs.append(unowned)
        condition.signal()
        condition.unlock()
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Lets the thread finish the jobs it has and exit. The thread keeps `self` alive until then.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while head == jobs.count && !stopping { condition.wait() }
            if head == jobs.count {
                condition.unlock()
                return
            }
            let job = jobs[head]
            head += 1
            if head > 1024 && head * 2 > jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            condition.unlock()
            job.runSynchronously(on: asUnownedSerialExecutor())
        }
    }
}

/// Runs one blocking piece of work on a fresh thread and waits for it without holding a cooperative thread.
func runOffCooperativePool<T: Sendable, E: Error>(
    name: String, _ work: @escaping @Sendable () throws(E) -> T
) async throws(E) -> T {
    let result: Result<T, E> = await withCheckedContinuation { continuation in
        let thread = Thread {
            do throws(E) {
                continuation.resume(returning: .success(try work()))
            } catch {
                continuation.resume(returning: .failure(error))
            }
        }
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
    }
    return try result.get()
}
