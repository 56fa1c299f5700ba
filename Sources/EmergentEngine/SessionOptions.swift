import Foundation

/// The element type of the KV cache: smaller types fit longer contexts in the same memory.
public enum KVCacheType: String, Sendable, Hashable, Codable, CaseIterable {
    case f16
    case q8_0
    case q4_0

    /// Bytes per cached element, including the block scales of the quantized types.
    var bytesPerElement: Double {
        switch self {
        case .f16: 2
        case .q8_0: 34.0 / 32.0
        case .q4_0: 18.0 / 32.0
        }
    }
}

/// Whether attention uses llama.cpp's fused flash-attention kernels.
public enum FlashAttention: String, Sendable, Hashable, Codable, CaseIterable {
    /// Let llama.cpp decide (on where supported, required for quantized V caches).
    case auto
    case on
    case off
}

/// The shape of one inference context: context window, batching, threads and KV cache.
public struct SessionOptions: Sendable, Hashable {
    /// Tokens the context window holds; 0 means the model's training context length.
    public var contextLength: Int
    /// Most tokens handed to one `llama_decode` call.
    public var batchSize: Int
    /// Most tokens computed in one physical step.
    public var microBatchSize: Int
    /// Threads for single-token generation.
    public var threads: Int
    /// Threads for prompt processing.
    public var batchThreads: Int
    public var kvCacheType: KVCacheType
    public var flashAttention: FlashAttention
    /// Keep a full-size cache for sliding-window layers, so any earlier prefix can be reused. Costs memory on
    /// models with sliding-window attention (Gemma, Mistral); without it, reuse is limited to the window.
    public var fullSlidingWindowCache: Bool

    public init(
        contextLength: Int = 4096, batchSize: Int = 2048, microBatchSize: Int = 512,
        threads: Int = SessionOptions.defaultThreads, batchThreads: Int? = nil, kvCacheType: KVCacheType = .f16,
        flashAttention: FlashAttention = .auto, fullSlidingWindowCache: Bool = true
    ) {
        self.contextLength = contextLength
        self.batchSize = batchSize
        self.microBatchSize = microBatchSize
        self.threads = threads
        self.batchThreads = batchThreads ?? threads
        self.kvCacheType = kvCacheType
        self.flashAttention = flashAttention
        self.fullSlidingWindowCache = fullSlidingWindowCache
    }

    /// The number of CPUs this process may use.
    public static var defaultThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    func validate() throws(EngineError) {
        if contextLength < 0 {
            throw .invalidOption(
                name: "context length", value: "\(contextLength)", expected: "0 (model default) or more")
        }
        if batchSize < 1 {
            throw .invalidOption(name: "batch size", value: "\(batchSize)", expected: "at least 1")
        }
        if microBatchSize < 1 {
            throw .invalidOption(name: "micro-batch size", value: "\(microBatchSize)", expected: "at least 1")
        }
        if threads < 1 || batchThreads < 1 {
            throw .invalidOption(name: "thread count", value: "\(min(threads, batchThreads))", expected: "at least 1")
        }
        if kvCacheType != .f16 && flashAttention == .off {
            throw .invalidOption(
                name: "KV cache type", value: kvCacheType.rawValue,
                expected: "f16 when flash attention is off (quantized caches need flash attention)")
        }
    }
}
