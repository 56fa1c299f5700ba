import CLlama
import Foundation
import Synchronization

/// Lets a consumer abort the `llama_decode` call that is running for its request, between graph nodes.
///
/// Each request takes an id; cancelling marks that id. The abort callback stops a decode only when the id being
/// decoded is the cancelled one, so a late cancellation never hits the next request.
final class AbortSignal: Sendable {
    private let active = Atomic<Int>(0)
    private let cancelled = Atomic<Int>(-1)
    private let counter = Atomic<Int>(0)

    func newRequest() -> Int { counter.add(1, ordering: .relaxed).newValue }
    func begin(_ request: Int) { active.store(request, ordering: .releasing) }
    func cancel(_ request: Int) { cancelled.store(request, ordering: .releasing) }
    var shouldAbort: Bool { active.load(ordering: .acquiring) == cancelled.load(ordering: .acquiring) }
}

/// Owns one `llama_context`, its CPU thread pool and its batch buffer, and frees them in the right order.
final class LlamaContext {
    let pointer: OpaquePointer
    let model: Model
    private let threadPool: OpaquePointer?
    let abort = AbortSignal()
    let contextLength: Int
    let batchSize: Int

    /// Context window of each sequence (the whole window split evenly between sequences).
    let sequenceLength: Int
    let sequences: Int

    /// - Parameter sequences: independent sequences (slots); each gets `options.contextLength` tokens of cache.
    init(model: Model, options: SessionOptions, embeddings: Bool = false, sequences: Int = 1) throws(EngineError) {
        LlamaRuntime.ready
        try options.validate()
        if model.options.vocabularyOnly {
            throw .contextCreationFailed(detail: "the model was loaded with vocabularyOnly, which has no weights")
        }
        let perSequence = options.contextLength == 0 ? model.metadata.trainingContextLength : options.contextLength
        let contextLength = perSequence * sequences
        try Self.checkMemory(model: model, contextLength: contextLength, options: options)

        var params = llama_context_default_params()
        params.n_ctx = UInt32(contextLength)
        params.n_batch = UInt32(embeddings ? contextLength : options.batchSize)
        params.n_ubatch = UInt32(embeddings ? contextLength : min(options.microBatchSize, options.batchSize))
        params.n_seq_max = UInt32(sequences)
        // Separate caches per sequence: each slot owns its share, and attention never scans other slots' tokens.
        params.kv_unified = sequences == 1
        params.n_threads = Int32(options.threads)
        params.n_threads_batch = Int32(options.batchThreads)
        params.type_k = options.kvCacheType.ggmlType
        params.type_v = options.kvCacheType.ggmlType
        params.flash_attn_type =
            switch options.flashAttention {
            case .auto: LLAMA_FLASH_ATTN_TYPE_AUTO
            case .on: LLAMA_FLASH_ATTN_TYPE_ENABLED
            case .off: LLAMA_FLASH_ATTN_TYPE_DISABLED
            }
        params.swa_full = options.fullSlidingWindowCache
        params.embeddings = embeddings
        if embeddings { params.pooling_type = LLAMA_POOLING_TYPE_MEAN }
        params.no_perf = true

        let logStart = LlamaRuntime.logPosition
        guard let pointer = llama_init_from_model(model.pointer, params) else {
            let log = LlamaRuntime.problems(since: logStart)
            if log.contains(where: { $0.contains("failed to allocate") }) {
                throw .contextTooLarge(
                    requestedTokens: contextLength,
                    neededBytes: Self.kvCacheBytes(
                        model: model, contextLength: contextLength, type: options.kvCacheType),
                    availableBytes: SystemMemory.availableBytes ?? 0)
            }
            throw .contextCreationFailed(detail: log.last ?? "no reason was logged")
        }
        self.pointer = pointer
        self.model = model
        self.contextLength = Int(llama_n_ctx(pointer))
        self.sequences = sequences
        self.sequenceLength = Int(llama_n_ctx(pointer)) / sequences
        self.batchSize = Int(llama_n_batch(pointer))

        // A persistent thread pool, as llama-bench uses: without one, ggml creates and joins threads on every
        // graph computation, which costs measurably at one token per call.
        var poolParams = ggml_threadpool_params_default(Int32(options.threads))
        poolParams.poll = 50
        threadPool = ggml_threadpool_new(&poolParams)
        if let threadPool { llama_attach_threadpool(pointer, threadPool, nil) }

        llama_set_abort_callback(
            pointer,
            { userData in
                guard let userData else { return false }
                return Unmanaged<AbortSignal>.fromOpaque(userData).takeUnretainedValue().shouldAbort
            }, Unmanaged.passUnretained(abort).toOpaque())
    }

    deinit {
        llama_free(pointer)
        if let threadPool { ggml_threadpool_free(threadPool) }
    }

    var memory: llama_memory_t? { llama_get_memory(pointer) }

    /// Estimated KV cache size: every layer at full length (an upper bound for sliding-window models).
    static func kvCacheBytes(model: Model, contextLength: Int, type: KVCacheType) -> Int {
        let meta = model.metadata
        let architecture = meta.architecture
        let defaultHead = meta.headCount > 0 ? meta.embeddingLength / meta.headCount : 0
        let keyLength = model.metadataValue("\(architecture).attention.key_length").flatMap { Int($0) } ?? defaultHead
        let valueLength =
            model.metadataValue("\(architecture).attention.value_length").flatMap { Int($0) } ?? defaultHead
        let elements =
            Double(contextLength) * Double(meta.layerCount) * Double(meta.keyValueHeadCount)
            * Double(keyLength + valueLength)
        return Int(min(elements * type.bytesPerElement, Double(Int.max / 2)))
    }

    private static func checkMemory(model: Model, contextLength: Int, options: SessionOptions) throws(EngineError) {
        let needed = kvCacheBytes(model: model, contextLength: contextLength, type: options.kvCacheType)
        if let available = SystemMemory.availableBytes, needed > available {
            throw .contextTooLarge(requestedTokens: contextLength, neededBytes: needed, availableBytes: available)
        }
    }
}

extension KVCacheType {
    var ggmlType: ggml_type {
        switch self {
        case .f16: GGML_TYPE_F16
        case .q8_0: GGML_TYPE_Q8_0
        case .q4_0: GGML_TYPE_Q4_0
        }
    }
}

/// Reads the kernel's view of memory (Linux `/proc`).
public enum SystemMemory {
    /// `MemAvailable` from `/proc/meminfo`, in bytes.
    public static var availableBytes: Int? { meminfo("MemAvailable:") }

    /// This process's peak resident set size (`VmHWM`), in bytes.
    public static var peakResidentBytes: Int? { status("VmHWM:") }

    /// This process's current resident set size (`VmRSS`), in bytes.
    public static var residentBytes: Int? { status("VmRSS:") }

    private static func meminfo(_ key: String) -> Int? { field(key, in: "/proc/meminfo") }
    private static func status(_ key: String) -> Int? { field(key, in: "/proc/self/status") }

    private static func field(_ key: String, in path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(key) {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let kib = Int(parts[1]) else { return nil }
            return kib * 1024
        }
        return nil
    }
}
