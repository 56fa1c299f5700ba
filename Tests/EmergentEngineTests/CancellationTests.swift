import EmergentCore
import Foundation
import Testing

@testable import EmergentEngine

@Suite("Cancellation and threads")
struct CancellationTests {
    @Test("cancelling the consumer stops decoding within one token, and the session serves the next request")
    func cancelMidGeneration() async throws {
        let session = try await SharedModel.session()
        let options = GenerationOptions(maxTokens: 10_000, ignoreEndOfGeneration: true)
        let consumer = Task { () -> (prompt: Int, seen: Int) in
            var promptTokens = 0
            var seen = 0
            for try await event in session.generate(.text("Count slowly: one, two, three,"), options: options) {
                if case .prompt(let stats) = event { promptTokens = stats.promptTokens }
                if case .token = event {
                    seen += 1
                    if seen == 5 { break }  // dropping the stream cancels the generation
                }
            }
            return (promptTokens, seen)
        }
        let (promptTokens, seen) = try await consumer.value
        #expect(seen == 5)
        // The actor runs calls in order, so this returns only once the decode loop has stopped.
        let cached = await session.cachedTokenCount
        #expect(
            cached <= promptTokens + seen + 1, "decoded \(cached - promptTokens) tokens after cancelling at \(seen)")

        let next = try await session.complete(
            .text("Hello"), options: GenerationOptions(maxTokens: 4, ignoreEndOfGeneration: true))
        #expect(next.tokens.count == 4)
    }

    @Test("cancelling a task that waits for a long prompt aborts the evaluation part-way")
    func cancelDuringPrompt() async throws {
        let session = try await SharedModel.session(contextLength: 4096)
        let tokenizer = session.model.tokenizer
        let long = Array(
            tokenizer.tokenize(String(repeating: "Lorem ipsum dolor sit amet, consectetur. ", count: 400)).prefix(4000))
        let started = ContinuousClock.now
        let task = Task { try await session.prefill(.tokens(long)) }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        let elapsed = ContinuousClock.now - started
        let cached = await session.cachedTokenCount
        #expect(cached < long.count, "the evaluation should have stopped early")
        #expect(elapsed < .seconds(5))
        // The cache is consistent: reusing it gives the same tokens as a cold start.
        let stats = try await session.prefill(.tokens(Array(long.prefix(600))))
        #expect(stats.reusedTokens <= cached)
        #expect(stats.reusedTokens + stats.evaluatedTokens == 600)
    }

    @Test("generation runs off the cooperative pool, so other async work keeps running")
    func doesNotStarveCooperativePool() async throws {
        let model = try await SharedModel.get()
        // More generations than the cooperative pool has threads: if they ran on it, the ticker would starve.
        let width = ProcessInfo.processInfo.activeProcessorCount + 1
        var sessions: [InferenceSession] = []
        for _ in 0..<width {
            sessions.append(
                try await InferenceSession(model: model, options: SessionOptions(contextLength: 256, threads: 1)))
        }
        let generationsDone = Counter()
        let ticksBeforeDone = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for session in sessions {
                group.addTask {
                    _ = try await session.complete(
                        .text("A long story:"), options: GenerationOptions(maxTokens: 48, ignoreEndOfGeneration: true))
                    await generationsDone.increment()
                }
            }
            group.addTask {
                for _ in 0..<20 {
                    try await Task.sleep(for: .milliseconds(5))
                    if await generationsDone.value == 0 { await ticksBeforeDone.increment() }
                }
            }
            try await group.waitForAll()
        }
        #expect(await ticksBeforeDone.value >= 10)
    }
}

/// A counter shared between test tasks.
actor Counter {
    private(set) var value = 0
    func increment() { value += 1 }
}
