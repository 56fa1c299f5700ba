import CLlama
import EmergentCore
import Foundation

/// One conversation's worth of model state: a llama.cpp context whose KV cache persists between calls.
///
/// A session remembers which tokens its cache holds. A new prompt that starts with those tokens (a chat that grew
/// by one turn, an agent loop that appended a tool result) evaluates only what is new; `PromptStats` says how
/// many tokens were reused and how many evaluated.
///
/// All work runs on the session's own thread (its actor executor), never on Swift's cooperative pool, and calls
/// are served one at a time in arrival order. Use one session per concurrent conversation; they share the `Model`.
public actor InferenceSession {
    /// The model this session runs.
    public nonisolated let model: Model
    /// The options the context was created with.
    public nonisolated let options: SessionOptions
    /// The context window in tokens.
    public nonisolated let contextLength: Int

    private nonisolated let thread: ComputeThread
    nonisolated let abort: AbortSignal
    let context: LlamaContext
    let batch: TokenBatch
    /// The tokens whose keys and values are in the cache, at positions 0..<count of sequence 0.
    var cachedTokens: [Token] = []

    public nonisolated var unownedExecutor: UnownedSerialExecutor { thread.asUnownedSerialExecutor() }

    /// Creates a context for `model`.
    public init(model: Model, options: SessionOptions = SessionOptions()) async throws(EngineError) {
        let made = try await runOffCooperativePool(name: "emergent.context") {
            () throws(EngineError) -> UncheckedBox<(LlamaContext, TokenBatch)> in
            let context = try LlamaContext(model: model, options: options)
            return UncheckedBox((context, try TokenBatch(capacity: context.batchSize)))
        }
        self.model = model
        self.options = options
        self.context = made.value.0
        self.batch = made.value.1
        self.contextLength = made.value.0.contextLength
        self.abort = made.value.0.abort
        self.thread = ComputeThread(name: "emergent.session")
    }

    deinit {
        thread.stop()
    }

    /// The tokens currently held in the KV cache.
    public var cachedTokenCount: Int { cachedTokens.count }

    /// A copy of the tokens currently held in the KV cache.
    public var cached: [Token] { cachedTokens }

    /// Forgets everything in the cache.
    public func reset() {
        if let memory = context.memory { llama_memory_clear(memory, true) }
        cachedTokens.removeAll()
    }

    /// Evaluates `prompt` into the cache without generating, reusing any cached prefix. A later request that
    /// starts with the same tokens then only evaluates what follows.
    @discardableResult
    public func prefill(_ prompt: Prompt) async throws -> PromptStats {
        let requestID = abort.newRequest()
        return try await withTaskCancellationHandler {
            try ingest(tokens(for: prompt), requestID: requestID)
        } onCancel: { [abort] in
            abort.cancel(requestID)
        }
    }

    /// Estimated bytes of this session's KV cache.
    public nonisolated var kvCacheBytes: Int {
        LlamaContext.kvCacheBytes(model: model, contextLength: contextLength, type: options.kvCacheType)
    }

    // MARK: - Prefix reuse

    /// Makes the cache hold exactly `tokens`, reusing the longest common prefix, and leaves the logits of the last
    /// token ready for sampling.
    func ingest(_ tokens: [Token], requestID: Int) throws -> PromptStats {
        guard !tokens.isEmpty else { throw EngineError.emptyPrompt }
        try model.tokenizer.validate(tokens)
        if tokens.count >= contextLength {
            throw EngineError.promptTooLong(promptTokens: tokens.count, contextTokens: contextLength)
        }
        let started = ContinuousClock.now
        // The last token is always evaluated again: its logits are what the next token is sampled from.
        let keep = min(reusablePrefix(of: tokens), tokens.count - 1)
        truncateCache(to: keep)
        try evaluate(tokens[keep...], requestID: requestID, outputs: .last) { _, _ in }
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        return PromptStats(
            promptTokens: tokens.count, reusedTokens: keep, evaluatedTokens: tokens.count - keep, seconds: seconds)
    }

    /// Evaluates all of `tokens` from an empty cache, recording each token's log-probability given the ones before
    /// it (from the second token on), and leaves the last token's logits ready for sampling.
    func ingestScoring(
        _ tokens: [Token], alternatives: Int, requestID: Int, into scored: inout [TokenLogprob]
    ) throws -> PromptStats {
        guard !tokens.isEmpty else { throw EngineError.emptyPrompt }
        try model.tokenizer.validate(tokens)
        if tokens.count >= contextLength {
            throw EngineError.promptTooLong(promptTokens: tokens.count, contextTokens: contextLength)
        }
        let started = ContinuousClock.now
        truncateCache(to: 0)
        var collected: [TokenLogprob] = []
        try evaluate(tokens[...], requestID: requestID, outputs: .from(0)) { position, logits in
            guard position + 1 < tokens.count else { return }
            collected.append(LogitsMath.logprob(of: tokens[position + 1], alternatives: alternatives, logits: logits))
        }
        scored = collected
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        return PromptStats(promptTokens: tokens.count, reusedTokens: 0, evaluatedTokens: tokens.count, seconds: seconds)
    }

    /// How many leading tokens of `tokens` the cache already holds and can keep.
    func reusablePrefix(of tokens: [Token]) -> Int {
        var common = 0
        let limit = min(cachedTokens.count, tokens.count)
        while common < limit && cachedTokens[common] == tokens[common] { common += 1 }
        guard common > 0, let memory = context.memory else { return common }
        // A sliding-window cache may already have dropped positions the kept prefix still attends to.
        let window = model.metadata.slidingWindow
        let lowest = Int(llama_memory_seq_pos_min(memory, 0))
        if window > 0 && lowest > 0 && lowest > max(0, common - window) { return 0 }
        return common
    }

    /// Drops cached tokens from position `count` on.
    func truncateCache(to count: Int) {
        guard count < cachedTokens.count else { return }
        guard let memory = context.memory else { return }
        if count == 0 || !llama_memory_seq_rm(memory, 0, llama_pos(count), -1) {
            // Some caches (recurrent models) cannot cut a sequence part-way; start over.
            llama_memory_clear(memory, true)
            cachedTokens.removeAll()
            return
        }
        cachedTokens.removeLast(cachedTokens.count - count)
    }

    /// Which evaluated positions need logits.
    enum OutputSelection {
        /// Only the last token of the evaluated span.
        case last
        /// Every position from this absolute position on.
        case from(Int)
    }

    /// Logit rows kept per decode call when many outputs are requested: bounds the output buffer's memory
    /// (rows × vocabulary × 4 bytes) for large vocabularies.
    static let maxOutputRowsPerDecode = 256

    /// Appends `tokens` to the cache, decoding in batches, and hands each requested logits row to `visit`
    /// with its absolute position.
    func evaluate(
        _ tokens: ArraySlice<Token>, requestID: Int, outputs: OutputSelection,
        visit: (Int, UnsafeBufferPointer<Float>) throws -> Void
    ) throws {
        let start = cachedTokens.count
        let end = start + tokens.count
        guard end <= contextLength else {
            throw EngineError.promptTooLong(promptTokens: end, contextTokens: contextLength)
        }
        let wantsOutput: (Int) -> Bool =
            switch outputs {
            case .last: { $0 == end - 1 }
            case .from(let first): { $0 >= first }
            }
        var chunkSize = context.batchSize
        if case .from = outputs { chunkSize = min(chunkSize, Self.maxOutputRowsPerDecode) }
        let vocabularySize = model.metadata.vocabularySize
        var position = start
        var remaining = tokens[...]
        while !remaining.isEmpty {
            try Task.checkCancellation()
            let chunk = remaining.prefix(chunkSize)
            _ = batch.fill(chunk, from: position, wantsOutput: wantsOutput)
            abort.begin(requestID)
            let status = batch.decode(in: context.pointer)
            if status != 0 {
                // Failed or aborted decodes may leave part of the chunk in memory: cut back to what we know.
                if let memory = context.memory { llama_memory_seq_rm(memory, 0, llama_pos(position), -1) }
                if status == 2 { throw CancellationError() }
                throw EngineError.decodeFailed(code: status)
            }
            cachedTokens.append(contentsOf: chunk)
            // llama_get_logits_ith takes the token's index in the batch (not the output's index).
            for offset in 0..<chunk.count where wantsOutput(position + offset) {
                guard let row = llama_get_logits_ith(context.pointer, Int32(offset)) else {
                    throw EngineError.decodeFailed(code: -1)
                }
                try visit(position + offset, UnsafeBufferPointer(start: row, count: vocabularySize))
            }
            position += chunk.count
            remaining = remaining.dropFirst(chunk.count)
        }
    }

    /// The logits row of the last output of the most recent decode.
    func lastLogits() -> UnsafeBufferPointer<Float>? {
        guard let row = llama_get_logits_ith(context.pointer, -1) else { return nil }
        return UnsafeBufferPointer(start: row, count: model.metadata.vocabularySize)
    }

    /// Tokenizes a prompt the way templates' output must be read: special tokens parsed, BOS added if configured.
    nonisolated func tokens(for prompt: Prompt) -> [Token] {
        switch prompt {
        case .text(let text): model.tokenizer.tokenize(text, addSpecial: true, parseSpecial: true)
        case .tokens(let tokens): tokens
        }
    }
}

/// Carries a non-Sendable value across one hand-over whose ordering makes it safe.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
