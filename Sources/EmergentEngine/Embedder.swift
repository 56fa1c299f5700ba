import CLlama
import Foundation

/// Turns text into a fixed-length vector: the mean of the model's final hidden states, L2-normalised.
///
/// It keeps its own context, separate from generation sessions, because embedding needs the whole input in one
/// batch and pooled outputs instead of logits.
public actor Embedder {
    public nonisolated let model: Model
    /// The longest input, in tokens.
    public nonisolated let contextLength: Int
    private nonisolated let thread: ComputeThread
    private let context: LlamaContext
    private let batch: TokenBatch

    public nonisolated var unownedExecutor: UnownedSerialExecutor { thread.asUnownedSerialExecutor() }

    /// Creates an embedding context of `contextLength` tokens (at most the model's training length).
    public init(model: Model, contextLength: Int = 2048, threads: Int = SessionOptions.defaultThreads)
        async throws(EngineError)
    {
        if model.metadata.embeddingLength <= 0 {
            throw .embeddingsUnavailable(detail: "the model has no hidden states to pool")
        }
        let length = min(contextLength, model.metadata.trainingContextLength)
        let options = SessionOptions(contextLength: length, batchSize: length, microBatchSize: length, threads: threads)
        let made = try await runOffCooperativePool(name: "emergent.embedder") {
            () throws(EngineError) -> UncheckedBox<(LlamaContext, TokenBatch)> in
            let context = try LlamaContext(model: model, options: options, embeddings: true)
            return UncheckedBox((context, try TokenBatch(capacity: context.batchSize)))
        }
        self.model = model
        self.context = made.value.0
        self.batch = made.value.1
        self.contextLength = made.value.0.contextLength
        self.thread = ComputeThread(name: "emergent.embedder")
    }

    deinit { thread.stop() }

    /// The embedding of `text`: `model.metadata.embeddingLength` numbers with unit L2 norm.
    public func embed(_ text: String) throws -> [Float] {
        guard !text.isEmpty else { throw EngineError.emptyPrompt }
        let tokens = model.tokenizer.tokenize(text, addSpecial: true, parseSpecial: false)
        guard tokens.count <= contextLength else {
            throw EngineError.promptTooLong(promptTokens: tokens.count, contextTokens: contextLength)
        }
        if let memory = context.memory { llama_memory_clear(memory, true) }
        _ = batch.fill(tokens[...], from: 0, wantsOutput: { _ in true })
        let status = batch.decode(in: context.pointer)
        guard status == 0 else { throw EngineError.decodeFailed(code: status) }
        let dimension = model.metadata.embeddingLength
        guard let pooled = llama_get_embeddings_seq(context.pointer, 0) else {
            throw EngineError.embeddingsUnavailable(detail: "llama.cpp returned no pooled embedding")
        }
        var vector = Array(UnsafeBufferPointer(start: pooled, count: dimension))
        let norm = sqrt(vector.reduce(0) { $0 + Double($1) * Double($1) })
        if norm > 0 { vector = vector.map { Float(Double($0) / norm) } }
        return vector
    }

    /// Embeddings of several texts, in order.
    public func embed(_ texts: [String]) throws -> [[Float]] {
        try texts.map { try embed($0) }
    }
}
