import EmergentCore
import Foundation
import Testing

@testable import EmergentEngine

/// Collected output of one batched request.
private struct Timeline {
    var tokens: [Token] = []
    var text = ""
    var prompt: PromptStats?
    var promptLogprobs: [TokenLogprob] = []
    var summary: GenerationSummary?
    /// When each token arrived.
    var arrivals: [ContinuousClock.Instant] = []
    var promptAt: ContinuousClock.Instant?

    static func from(_ stream: AsyncThrowingStream<GenerationEvent, any Error>) async throws -> Timeline {
        var result = Timeline()
        for try await event in stream {
            switch event {
            case .prompt(let stats):
                result.prompt = stats
                result.promptAt = .now
            case .promptLogprobs(let values): result.promptLogprobs = values
            case .token(let token):
                result.tokens.append(token.id)
                result.arrivals.append(.now)
            case .text(let text): result.text += text
            case .finished(let summary): result.summary = summary
            }
        }
        return result
    }
}

@Suite("Continuous batching", .serialized)
struct BatchEngineTests {
    static func engine(slots: Int = 4, context: Int = 2048, queue: Int = 8, batch: Int = 512) async throws
        -> BatchEngine
    {
        let model = try await SharedModel.get()
        return try await BatchEngine(
            model: model,
            options: BatchEngineOptions(
                session: SessionOptions(contextLength: context, batchSize: batch), slots: slots, queueLimit: queue))
    }

    static let prompts = [
        "The capital of France is", "Water boils at a temperature of", "The largest planet in the solar system is",
        "A haiku about autumn leaves:",
    ]

    @Test("four concurrent greedy requests produce what each produces alone, and usage counts are right")
    func concurrentMatchesSequential() async throws {
        let engine = try await Self.engine()
        let options = GenerationOptions(maxTokens: 24, ignoreEndOfGeneration: true)
        // Submit all four at once, then each alone, and compare.
        let together = try await withThrowingTaskGroup(of: (Int, Timeline).self) { group in
            for (index, prompt) in Self.prompts.enumerated() {
                let stream = try await engine.submit(.text(prompt + " "), options: options)
                group.addTask { (index, try await Timeline.from(stream)) }
            }
            var results: [Int: Timeline] = [:]
            for try await (index, value) in group { results[index] = value }
            return results
        }
        var aloneSpaced: [Timeline] = []
        for prompt in Self.prompts {
            aloneSpaced.append(try await Timeline.from(try await engine.submit(.text(prompt + " "), options: options)))
        }
        for index in Self.prompts.indices {
            let batched = try #require(together[index])
            #expect(batched.tokens.count == 24)
            #expect(batched.summary?.finishReason == .maxTokens)
            #expect(batched.summary?.usage.completionTokens == 24)
            // Batched matrix kernels may round differently from single-sequence ones; greedy choices must still agree
            // on the opening tokens.
            let agree = zip(batched.tokens, aloneSpaced[index].tokens).prefix { $0 == $1 }.count
            #expect(agree >= 4, "prompt \(index): batched and alone diverge after \(agree) tokens")
        }
        let status = await engine.status
        #expect(status.busySlots == 0 && status.queued == 0)
    }

    @Test("a request sharing a long prefix with a finished one reuses that slot's cache")
    func prefixReuse() async throws {
        let engine = try await Self.engine()
        let shared = String(repeating: "Emergent serves language models on one machine. ", count: 60)
        let options = GenerationOptions(maxTokens: 4, ignoreEndOfGeneration: true)
        let first = try await Timeline.from(try await engine.submit(.text(shared + "First question?"), options: options))
        // Occupy other slots with unrelated prompts first, so reuse has to pick the right slot.
        _ = try await Timeline.from(try await engine.submit(.text("Unrelated text here."), options: options))
        let second = try await Timeline.from(
            try await engine.submit(.text(shared + "Second question?"), options: options))
        let firstStats = try #require(first.prompt)
        let secondStats = try #require(second.prompt)
        #expect(firstStats.reusedTokens == 0)
        #expect(firstStats.promptTokens > 500)
        #expect(secondStats.reusedTokens >= firstStats.promptTokens - 8, "reused \(secondStats.reusedTokens)")
        #expect(second.summary?.usage.reusedPromptTokens == secondStats.reusedTokens)
    }

    @Test("dropping a stream frees its slot within a step, and a queued request takes it")
    func cancellationFreesSlot() async throws {
        let engine = try await Self.engine(slots: 1, queue: 4)
        let endless = GenerationOptions(maxTokens: 100_000, ignoreEndOfGeneration: true)
        // A consumer that stops reading after five tokens and lets go of the stream, as a disconnecting client does.
        let consumer = Task {
            var seen = 0
            for try await event in try await engine.submit(.text("Count: one, two,"), options: endless) {
                if case .token = event {
                    seen += 1
                    if seen == 5 { break }
                }
            }
            return seen
        }
        try await Task.sleep(for: .milliseconds(50))
        let waiting = try await engine.submit(.text("Hello"), options: GenerationOptions(maxTokens: 3))
        #expect(try await consumer.value == 5)
        let next = try await Timeline.from(waiting)
        #expect(next.summary != nil)
        #expect(next.tokens.count <= 3)
        let status = await engine.status
        #expect(status.busySlots == 0)
        // The cancelled request stopped at once: its slot's cache holds the prompt and about five tokens, not more.
        #expect(status.cachedTokens[0] < 40, "slot holds \(status.cachedTokens[0]) tokens")
    }

    @Test("a full queue and a too-long prompt are refused at submission with a clear error")
    func admissionErrors() async throws {
        let engine = try await Self.engine(slots: 1, context: 256, queue: 1)
        let long = GenerationOptions(maxTokens: 200, ignoreEndOfGeneration: true)
        let running = try await engine.submit(.text("One"), options: long)
        let queued = try await engine.submit(.text("Two"), options: long)
        let refused = await #expect(throws: EngineError.self) {
            _ = try await engine.submit(.text("Three"), options: long)
        }
        #expect(refused == .queueFull(limit: 1))
        #expect(refused?.message.contains("busy") == true)
        let tooLong = String(repeating: "word ", count: 400)
        await #expect(throws: EngineError.self) { _ = try await engine.submit(.text(tooLong), options: long) }
        await #expect(throws: EngineError.self) {
            _ = try await engine.submit(.tokens([999_999_999]), options: long)
        }
        for stream in [running, queued] {
            for try await _ in stream {}
        }
        #expect(await engine.isIdle)
    }

    @Test("chunked prefill: a long prompt does not stall a stream that is already generating")
    func chunkedPrefill() async throws {
        let engine = try await Self.engine(slots: 2, context: 4096, batch: 256)
        let generating = try await engine.submit(
            .text("Once upon a time"), options: GenerationOptions(maxTokens: 400, ignoreEndOfGeneration: true))
        let first = Task { try await Timeline.from(generating) }
        try await Task.sleep(for: .milliseconds(300))
        let longPrompt = String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 150)
        let submitted = ContinuousClock.now
        let reader = try await engine.submit(.text(longPrompt), options: GenerationOptions(maxTokens: 1))
        let second = try await Timeline.from(reader)
        let running = try await first.value
        let promptDone = try #require(second.promptAt)
        let during = running.arrivals.filter { $0 > submitted && $0 < promptDone }.count
        // 1,500+ prompt tokens in chunks of at most 255 take several steps; each step also decodes the stream.
        #expect(try #require(second.prompt).promptTokens > 1200)
        #expect(during >= 4, "the generating stream got \(during) tokens while the long prompt was read")
    }

    @Test("prompt log-probabilities match the single-sequence session's, and max_tokens 0 only scores")
    func promptLogprobs() async throws {
        let engine = try await Self.engine()
        let session = try await SharedModel.session()
        let prompt = Prompt.text("The cat sat on the mat because it was tired.")
        let options = GenerationOptions(maxTokens: 0, promptLogprobs: 2)
        let batched = try await Timeline.from(try await engine.submit(prompt, options: options))
        let single = try await Timeline.from(session.generate(prompt, options: options))
        let count = try #require(batched.prompt).promptTokens
        #expect(batched.promptLogprobs.count == count - 1)
        #expect(single.promptLogprobs.count == count - 1)
        #expect(batched.tokens.isEmpty && batched.summary?.finishReason == .maxTokens)
        for (a, b) in zip(batched.promptLogprobs, single.promptLogprobs) {
            #expect(a.token == b.token)
            #expect(abs(a.logprob - b.logprob) < 0.02)
            #expect(a.top.count == 2 && a.logprob <= 0)
        }
    }

    @Test("shutdown refuses new work, ends waiting requests, and cancels running ones with a finish")
    func shutdown() async throws {
        let engine = try await Self.engine(slots: 1, queue: 2)
        let endless = GenerationOptions(maxTokens: 100_000, ignoreEndOfGeneration: true)
        let running = Task { try await Timeline.from(try await engine.submit(.text("Count:"), options: endless)) }
        while await engine.status.busySlots == 0 { try await Task.sleep(for: .milliseconds(10)) }
        let waiting = try await engine.submit(.text("Hello"), options: endless)
        await engine.shutdown(cancelRunning: false)
        await #expect(throws: EngineError.shuttingDown) { for try await _ in waiting {} }
        await #expect(throws: EngineError.shuttingDown) { _ = try await engine.submit(.text("Late"), options: endless) }
        #expect(await engine.status.busySlots == 1)
        await engine.shutdown(cancelRunning: true)
        let stopped = try await running.value
        #expect(stopped.summary?.finishReason == .cancelled)
        #expect((stopped.summary?.usage.completionTokens ?? 0) > 0)
        #expect(await engine.isIdle)
    }
}
