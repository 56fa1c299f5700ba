import CLlama
import EmergentCore
import Foundation
import Synchronization

/// The shape of a `BatchEngine`: how many requests decode together, each one's context, and the waiting line.
public struct BatchEngineOptions: Sendable, Hashable {
    /// Threads, KV cache and batching for the shared context. `contextLength` is the window of *each* slot;
    /// `batchSize` is the most tokens one decode step takes (one per generating slot, the rest prompt chunks).
    public var session: SessionOptions
    /// Requests that decode at the same time (`--parallel`).
    public var slots: Int
    /// Requests that may wait for a free slot; one more is refused with `EngineError.queueFull`.
    public var queueLimit: Int

    public init(session: SessionOptions = SessionOptions(batchSize: 512), slots: Int = 4, queueLimit: Int = 64) {
        self.session = session
        self.slots = slots
        self.queueLimit = queueLimit
    }

    func validate() throws(EngineError) {
        try session.validate()
        if slots < 1 || slots > 256 {
            throw .invalidOption(name: "slot count", value: "\(slots)", expected: "1 to 256")
        }
        if queueLimit < 0 {
            throw .invalidOption(name: "queue limit", value: "\(queueLimit)", expected: "0 or more")
        }
    }
}

/// What a `BatchEngine` is doing right now.
public struct BatchEngineStatus: Sendable, Hashable {
    /// Slots in total.
    public var slots: Int
    /// Slots holding a request (reading its prompt or generating).
    public var busySlots: Int
    /// Requests waiting for a slot.
    public var queued: Int
    /// Tokens held in each slot's cache, busy or idle: what a new request with the same prefix can reuse.
    public var cachedTokens: [Int]
}

/// Continuous batching over one llama.cpp context with several sequence slots, as a server needs it.
///
/// Every decode step carries one token for each generating slot plus chunks of the prompts of newly admitted
/// requests (chunked prefill), so a long prompt never stalls the streams already running. A new request goes to
/// the free slot whose cache shares the longest token prefix with its prompt and evaluates only the rest. When all
/// slots are busy, requests wait in a bounded FIFO queue.
///
/// Cancelling a consumer (or dropping its stream) frees its slot at the next step. Work runs on the engine's own
/// thread (its actor executor).
public actor BatchEngine {
    public nonisolated let model: Model
    public nonisolated let options: BatchEngineOptions
    /// The context window of each slot, in tokens.
    public nonisolated let slotContextLength: Int

    private nonisolated let thread: ComputeThread
    private let context: LlamaContext
    private let batch: TokenBatch
    private var slots: [Slot]
    private var waiting: [BatchJob] = []
    private var running = false
    private var stopping = false
    /// Increases with every admission and release: orders prefill fairly and finds the least recently used slot.
    private var clock: UInt64 = 0

    /// How long an idle engine waits for more requests before its first step.
    static let coalescingWindow = Duration.milliseconds(2)

    /// Logit rows kept per step for requests that want their prompt's log-probabilities (rows × vocabulary × 4 B).
    static let maxPromptRowsPerStep = 64

    public nonisolated var unownedExecutor: UnownedSerialExecutor { thread.asUnownedSerialExecutor() }

    /// Creates the shared context: `options.slots` sequences of `options.session.contextLength` tokens each.
    public init(model: Model, options: BatchEngineOptions = BatchEngineOptions()) async throws(EngineError) {
        try options.validate()
        let made = try await runOffCooperativePool(name: "emergent.batch-context") {
            () throws(EngineError) -> UncheckedBox<(LlamaContext, TokenBatch)> in
            let context = try LlamaContext(model: model, options: options.session, sequences: options.slots)
            return UncheckedBox((context, try TokenBatch(capacity: context.batchSize)))
        }
        self.model = model
        self.options = options
        self.context = made.value.0
        self.batch = made.value.1
        self.slotContextLength = made.value.0.sequenceLength
        self.slots = Array(repeating: Slot(), count: options.slots)
        self.thread = ComputeThread(name: "emergent.batch")
    }

    deinit {
        thread.stop()
    }

    /// Slots, busy slots and queue length.
    public var status: BatchEngineStatus {
        BatchEngineStatus(
            slots: slots.count, busySlots: slots.count(where: { $0.job != nil }), queued: waiting.count,
            cachedTokens: slots.map(\.cached.count))
    }

    /// Queues a generation and returns its event stream.
    ///
    /// Everything that can be checked before decoding is checked here and thrown: invalid options or grammar,
    /// an empty or too long prompt, a full queue, an engine shutting down. Later failures end the stream.
    public func submit(
        _ prompt: Prompt, options generation: GenerationOptions = GenerationOptions()
    ) throws(EngineError) -> AsyncThrowingStream<GenerationEvent, any Error> {
        if stopping { throw .shuttingDown }
        try generation.validate()
        let tokens = tokens(for: prompt)
        guard !tokens.isEmpty else { throw .emptyPrompt }
        try model.tokenizer.validate(tokens)
        if tokens.count >= slotContextLength {
            throw .promptTooLong(promptTokens: tokens.count, contextTokens: slotContextLength)
        }
        // Waiting requests first take the free slots; beyond those, at most `queueLimit` may wait.
        let freeSlots = slots.count { $0.job == nil }
        if waiting.count >= freeSlots + options.queueLimit { throw .queueFull(limit: options.queueLimit) }
        let sampler = try TokenSampler(model: model, options: generation)

        let (stream, continuation) = AsyncThrowingStream.makeStream(of: GenerationEvent.self)
        let job = BatchJob(tokens: tokens, options: generation, sampler: sampler, continuation: continuation)
        continuation.onTermination = { [cancel = job.cancel] termination in
            if case .cancelled = termination { cancel.set() }
        }
        waiting.append(job)
        if !running {
            running = true
            Task { await self.drive() }
        }
        return stream
    }

    /// Refuses new requests and ends waiting ones with `EngineError.shuttingDown`; running ones continue unless
    /// `cancelRunning` is set, in which case they finish with `FinishReason.cancelled` at the next step.
    public func shutdown(cancelRunning: Bool) {
        stopping = true
        for job in waiting { job.continuation.finish(throwing: EngineError.shuttingDown) }
        waiting.removeAll()
        if cancelRunning {
            for slot in slots { slot.job?.stopRequested = true }
        }
    }

    /// Whether any request is running or waiting.
    public var isIdle: Bool { waiting.isEmpty && slots.allSatisfy { $0.job == nil } }

    // MARK: - The loop

    /// Runs decode steps while there is work; other calls (`submit`, `status`) are served between steps.
    private func drive() async {
        // Starting from idle, wait a moment so requests that arrive together (a burst of clients) share the first
        // step instead of the first one running alone and the rest waiting a whole step for their first token.
        try? await Task.sleep(for: Self.coalescingWindow)
        while true {
            admit()
            guard slots.contains(where: { $0.job != nil }) else {
                running = false
                return
            }
            step()
            await Task.yield()
        }
    }

    /// Moves waiting requests into free slots, each to the free slot that can reuse the most of its prompt.
    private func admit() {
        while !waiting.isEmpty, slots.contains(where: { $0.job == nil }) {
            let job = waiting.removeFirst()
            if job.cancel.isSet {
                job.continuation.finish()
                continue
            }
            let (best, bestReuse) = chooseSlot(for: job.tokens)
            // The last prompt token is always evaluated again: its logits give the first generated token. Prompt
            // log-probabilities need every position's logits, so nothing is reused for them.
            let keep = job.options.promptLogprobs == nil ? min(bestReuse, job.tokens.count - 1) : 0
            truncate(slot: best, to: keep)
            clock += 1
            job.admitted = clock
            job.reused = slots[best].cached.count
            job.next = job.reused
            job.promptStarted = .now
            slots[best].job = job
        }
    }

    /// The free slot for a prompt: the one sharing the longest prefix with it, when that prefix is most of the prompt
    /// or most of the slot's cache; otherwise the least recently used slot, so a short accidental match (a shared
    /// BOS token) never wipes a long cache another request could still use.
    /// Returns the slot and how many of the prompt's tokens it can keep.
    private func chooseSlot(for tokens: [Token]) -> (slot: Int, reuse: Int) {
        let free = slots.indices.filter { slots[$0].job == nil }
        var best: (slot: Int, reuse: Int)?
        for index in free {
            let reuse = reusablePrefix(slot: index, tokens: tokens)
            if reuse > (best?.reuse ?? 0) { best = (index, reuse) }
        }
        if let best, 2 * best.reuse >= tokens.count || 2 * best.reuse >= slots[best.slot].cached.count {
            return best
        }
        let oldest = free.min { slots[$0].lastUsed < slots[$1].lastUsed } ?? 0
        return (oldest, reusablePrefix(slot: oldest, tokens: tokens))
    }

    /// How many leading tokens of `tokens` slot `index` holds and can keep.
    private func reusablePrefix(slot index: Int, tokens: [Token]) -> Int {
        let cached = slots[index].cached
        var common = 0
        let limit = min(cached.count, tokens.count)
        while common < limit && cached[common] == tokens[common] { common += 1 }
        guard common > 0, let memory = context.memory else { return common }
        // Without a full sliding-window cache, positions the kept prefix still attends to may be gone.
        let window = model.metadata.slidingWindow
        let lowest = Int(llama_memory_seq_pos_min(memory, llama_seq_id(index)))
        if window > 0 && lowest > 0 && lowest > max(0, common - window) { return 0 }
        return common
    }

    /// Drops slot `index`'s cached tokens from position `count` on.
    private func truncate(slot index: Int, to count: Int) {
        guard count < slots[index].cached.count, let memory = context.memory else { return }
        let sequence = llama_seq_id(index)
        if count == 0 || !llama_memory_seq_rm(memory, sequence, llama_pos(count), -1) {
            llama_memory_seq_rm(memory, sequence, -1, -1)
            slots[index].cached.removeAll()
            return
        }
        slots[index].cached.removeLast(slots[index].cached.count - count)
    }

    /// One part of a decode step: tokens of one slot, and where they sit in the batch.
    private struct Span {
        var slot: Int
        var tokens: ArraySlice<Token>
        var firstBatchIndex: Int
        var generating: Bool
    }

    /// One decode: a token per generating slot, then prompt chunks in admission order, up to the batch size.
    private func step() {
        for index in slots.indices {
            guard let job = slots[index].job else { continue }
            // A consumer that left hears nothing more; one stopped by shutdown gets its usage and a finish.
            if job.cancel.isSet {
                release(index, .cancelled, emit: false)
            } else if job.stopRequested {
                release(index, .cancelled, emit: true)
            }
        }
        batch.clear()
        var spans: [Span] = []
        for index in slots.indices {
            guard let job = slots[index].job, let token = job.pending else { continue }
            let position = slots[index].cached.count
            let batchIndex = batch.append(token, position: position, sequence: index, output: true)
            spans.append(Span(slot: index, tokens: [token], firstBatchIndex: batchIndex, generating: true))
        }
        let reading = slots.indices.filter { slots[$0].job.map { $0.pending == nil && $0.next < $0.tokens.count } ?? false }
        for index in reading.sorted(by: { (slots[$0].job?.admitted ?? 0) < (slots[$1].job?.admitted ?? 0) }) {
            let budget = batch.capacity - batch.count
            guard budget > 0, let job = slots[index].job else { break }
            let wantsAll = job.options.promptLogprobs != nil
            var count = min(job.tokens.count - job.next, budget)
            if wantsAll { count = min(count, Self.maxPromptRowsPerStep) }
            let chunk = job.tokens[job.next..<(job.next + count)]
            let first = batch.count
            for (offset, token) in chunk.enumerated() {
                let position = job.next + offset
                let output = wantsAll || position == job.tokens.count - 1
                batch.append(token, position: position, sequence: index, output: output)
            }
            spans.append(Span(slot: index, tokens: chunk, firstBatchIndex: first, generating: false))
        }
        guard !spans.isEmpty else { return }

        let status = batch.decode(in: context.pointer)
        if status != 0 {
            for span in spans {
                // Part of the batch may be in the cache: cut each slot back to what it is known to hold.
                let kept = slots[span.slot].cached.count
                if let memory = context.memory {
                    llama_memory_seq_rm(memory, llama_seq_id(span.slot), llama_pos(kept), -1)
                }
                fail(span.slot, EngineError.decodeFailed(code: status))
            }
            return
        }
        for span in spans {
            slots[span.slot].cached.append(contentsOf: span.tokens)
            guard let job = slots[span.slot].job else { continue }
            if span.generating {
                job.pending = nil
                guard let row = logits(at: span.firstBatchIndex) else {
                    fail(span.slot, EngineError.decodeFailed(code: -1))
                    continue
                }
                accept(slot: span.slot, job: job, token: sample(job, batchIndex: span.firstBatchIndex, row), row: row)
            } else {
                finishPromptChunk(slot: span.slot, job: job, span: span)
            }
        }
    }

    /// After a prompt chunk: collects prompt log-probabilities, and once the prompt is in, samples the first token.
    private func finishPromptChunk(slot index: Int, job: BatchJob, span: Span) {
        let start = job.next
        job.next += span.tokens.count
        if let alternatives = job.options.promptLogprobs {
            for offset in 0..<span.tokens.count where start + offset + 1 < job.tokens.count {
                guard let row = logits(at: span.firstBatchIndex + offset) else { continue }
                job.promptLogprobs.append(
                    LogitsMath.logprob(of: job.tokens[start + offset + 1], alternatives: alternatives, logits: row))
            }
        }
        guard job.next == job.tokens.count else { return }
        let seconds = (ContinuousClock.now - (job.promptStarted ?? .now)) / .seconds(1)
        job.promptSeconds = seconds
        job.continuation.yield(
            .prompt(
                PromptStats(
                    promptTokens: job.tokens.count, reusedTokens: job.reused,
                    evaluatedTokens: job.tokens.count - job.reused, seconds: seconds)))
        if job.options.promptLogprobs != nil { job.continuation.yield(.promptLogprobs(job.promptLogprobs)) }
        job.generationStarted = .now
        if job.options.maxTokens == 0 {
            release(index, .maxTokens, emit: true)
            return
        }
        let lastIndex = span.firstBatchIndex + span.tokens.count - 1
        guard let row = logits(at: lastIndex) else {
            fail(index, EngineError.decodeFailed(code: -1))
            return
        }
        accept(slot: index, job: job, token: sample(job, batchIndex: lastIndex, row), row: row)
    }

    private func logits(at batchIndex: Int) -> UnsafeBufferPointer<Float>? {
        guard let row = llama_get_logits_ith(context.pointer, Int32(batchIndex)) else { return nil }
        return UnsafeBufferPointer(start: row, count: model.metadata.vocabularySize)
    }

    private func sample(_ job: BatchJob, batchIndex: Int, _ row: UnsafeBufferPointer<Float>) -> Token {
        job.sampler.sample(context: context.pointer, outputIndex: Int32(batchIndex), logits: row)
    }

    /// Emits a sampled token and decides whether the request goes on (the token is decoded next step) or ends.
    private func accept(slot index: Int, job: BatchJob, token: Token, row: UnsafeBufferPointer<Float>) {
        let tokenizer = model.tokenizer
        if tokenizer.isEndOfGeneration(token) && !job.options.ignoreEndOfGeneration {
            // The end token is reported (as servers do, so echo + logprobs always covers prompt + output) but adds
            // no text.
            if let alternatives = job.options.logprobs {
                let logprob = LogitsMath.logprob(of: token, alternatives: alternatives, logits: row)
                job.continuation.yield(.token(GeneratedToken(id: token, bytes: [], logprob: logprob)))
            }
            release(index, .endOfGeneration, emit: true)
            return
        }
        job.generated += 1
        let bytes = tokenizer.pieceBytes(token, renderSpecial: job.options.renderSpecialTokens)
        let logprob = job.options.logprobs.map { LogitsMath.logprob(of: token, alternatives: $0, logits: row) }
        job.continuation.yield(.token(GeneratedToken(id: token, bytes: bytes, logprob: logprob)))
        let step = job.stopMatcher.append(job.detokenizer.append(bytes))
        if !step.text.isEmpty { job.continuation.yield(.text(step.text)) }
        if let stop = step.stop {
            release(index, .stopSequence(stop), emit: true)
        } else if job.generated >= job.options.maxTokens {
            release(index, .maxTokens, emit: true)
        } else if slots[index].cached.count + 1 >= slotContextLength {
            release(index, .contextFull, emit: true)
        } else {
            job.pending = token
        }
    }

    /// Ends slot `index`'s request with `reason` and frees the slot; its cache stays for prefix reuse.
    private func release(_ index: Int, _ reason: FinishReason, emit: Bool) {
        guard let job = slots[index].job else { return }
        slots[index].job = nil
        clock += 1
        slots[index].lastUsed = clock
        guard emit else {
            job.continuation.finish()
            return
        }
        if case .stopSequence = reason {
        } else {
            let tail = job.stopMatcher.append(job.detokenizer.flush())
            let rest = tail.text + job.stopMatcher.flush()
            if !rest.isEmpty { job.continuation.yield(.text(rest)) }
        }
        let usage = Usage(
            promptTokens: job.tokens.count, reusedPromptTokens: job.reused, completionTokens: job.generated,
            promptSeconds: job.promptSeconds,
            generationSeconds: job.generationStarted.map { (ContinuousClock.now - $0) / .seconds(1) } ?? 0)
        job.continuation.yield(.finished(GenerationSummary(finishReason: reason, usage: usage)))
        job.continuation.finish()
    }

    private func fail(_ index: Int, _ error: EngineError) {
        guard let job = slots[index].job else { return }
        slots[index].job = nil
        clock += 1
        slots[index].lastUsed = clock
        job.continuation.finish(throwing: error)
    }

    private nonisolated func tokens(for prompt: Prompt) -> [Token] {
        switch prompt {
        case .text(let text): model.tokenizer.tokenize(text, addSpecial: true, parseSpecial: true)
        case .tokens(let tokens): tokens
        }
    }
}

/// One sequence of the shared context: the tokens its cache holds, and the request using it.
private struct Slot {
    var cached: [Token] = []
    var job: BatchJob?
    var lastUsed: UInt64 = 0
}

/// A consumer's wish to stop, set from any thread and read by the engine between steps.
final class CancelFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .releasing) }
    var isSet: Bool { flag.load(ordering: .acquiring) }
}

/// One request's progress through a `BatchEngine`. Lives on the engine's thread only.
private final class BatchJob {
    let tokens: [Token]
    let options: GenerationOptions
    let sampler: TokenSampler
    let continuation: AsyncThrowingStream<GenerationEvent, any Error>.Continuation
    let cancel = CancelFlag()
    /// Set by `shutdown(cancelRunning: true)`: end with `.cancelled` at the next step.
    var stopRequested = false
    var detokenizer = StreamingDetokenizer()
    var stopMatcher: StopSequenceMatcher
    /// Admission order.
    var admitted: UInt64 = 0
    /// Prompt tokens taken from the cache.
    var reused = 0
    /// The next prompt index to evaluate.
    var next = 0
    /// A sampled token not yet decoded into the cache.
    var pending: Token?
    var generated = 0
    var promptStarted: ContinuousClock.Instant?
    var promptSeconds = 0.0
    var generationStarted: ContinuousClock.Instant?
    var promptLogprobs: [TokenLogprob] = []

    init(
        tokens: [Token], options: GenerationOptions, sampler: TokenSampler,
        continuation: AsyncThrowingStream<GenerationEvent, any Error>.Continuation
    ) {
        self.tokens = tokens
        self.options = options
        self.sampler = sampler
        self.continuation = continuation
        self.stopMatcher = StopSequenceMatcher(stops: options.stop)
    }
}
