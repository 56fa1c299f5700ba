import CLlama
import EmergentCore
import Foundation

/// A GGUF model loaded into memory: weights, vocabulary and metadata.
///
/// A `Model` is immutable once loaded and may be shared by any number of sessions, on any threads. Its weights
/// are freed exactly once, when the last reference (the model itself or a session using it) goes away.
public final class Model: @unchecked Sendable {
    // llama.cpp documents llama_model and llama_vocab as safe for concurrent read-only use.
    let pointer: OpaquePointer
    let vocab: OpaquePointer

    /// The file the model was loaded from.
    public let path: String
    /// The file's header, read before loading.
    public let header: GGUFFile
    /// What the model says about itself.
    public let metadata: ModelMetadata
    /// How it was loaded.
    public let options: ModelOptions
    /// Seconds spent loading.
    public let loadSeconds: Double

    /// Converts between text and this model's tokens.
    public var tokenizer: Tokenizer { Tokenizer(model: self) }

    private init(pointer: OpaquePointer, path: String, header: GGUFFile, options: ModelOptions, loadSeconds: Double) {
        self.pointer = pointer
        // A loaded model always has a vocabulary; the pointer lives as long as the model.
        self.vocab = llama_model_get_vocab(pointer)
        self.path = path
        self.header = header
        self.options = options
        self.loadSeconds = loadSeconds
        self.metadata = ModelMetadata(reading: pointer, vocab: vocab, header: header)
    }

    deinit {
        llama_model_free(pointer)
    }

    /// Loads the GGUF file at `path`.
    ///
    /// The file's header is checked first, so a missing, non-GGUF, truncated or inconsistent file is reported
    /// precisely. Loading runs on its own thread; `progress` receives values from 0 to 1.
    public static func load(
        from path: String, options: ModelOptions = ModelOptions(),
        progress: (@Sendable (Double) -> Void)? = nil
    ) async throws(EngineError) -> Model {
        try await runOffCooperativePool(name: "emergent.load") { () throws(EngineError) -> Model in
            try loadBlocking(from: path, options: options, progress: progress)
        }
    }

    /// The blocking body of `load`; call it only from a thread that may block.
    static func loadBlocking(
        from path: String, options: ModelOptions, progress: (@Sendable (Double) -> Void)?
    ) throws(EngineError) -> Model {
        LlamaRuntime.ready
        let started = ContinuousClock.now
        let header = try GGUFFile.read(path: path)

        var params = llama_model_default_params()
        params.n_gpu_layers = 0
        params.vocab_only = options.vocabularyOnly
        params.load_mode =
            switch (options.useMemoryMap, options.lockInMemory) {
            case (true, true): LLAMA_LOAD_MODE_MMAP_MLOCK
            case (true, false): LLAMA_LOAD_MODE_MMAP
            case (false, true): LLAMA_LOAD_MODE_MLOCK
            case (false, false): LLAMA_LOAD_MODE_NONE
            }
        let box = progress.map { Unmanaged.passRetained(ProgressBox($0)) }
        defer { box?.release() }
        if let box {
            params.progress_callback = { value, userData in
                guard let userData else { return true }
                Unmanaged<ProgressBox>.fromOpaque(userData).takeUnretainedValue().report(Double(value))
                return true
            }
            params.progress_callback_user_data = box.toOpaque()
        }

        let logStart = LlamaRuntime.logPosition
        guard let pointer = llama_model_load_from_file(path, params) else {
            throw classifyLoadFailure(path: path, header: header, log: LlamaRuntime.problems(since: logStart))
        }
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        return Model(pointer: pointer, path: path, header: header, options: options, loadSeconds: seconds)
    }

    private static func classifyLoadFailure(path: String, header: GGUFFile, log: [String]) -> EngineError {
        let architecture = header.architecture ?? "(none)"
        if log.contains(where: { $0.contains("unknown model architecture") }) {
            return .unsupportedArchitecture(path: path, architecture: architecture)
        }
        if let bounds = log.first(where: { $0.contains("not within the file bounds") }) {
            return .corruptGGUF(path: path, detail: bounds.trimmingCharacters(in: .whitespaces))
        }
        let reason = log.last(where: { $0.contains("error loading model:") }) ?? log.last
        let detail = reason.map { $0.trimmingCharacters(in: .whitespaces) } ?? "no reason was logged"
        return .modelLoadFailed(path: path, detail: detail)
    }

    /// The metadata value for `key` as text, or `nil` when the key is absent.
    public func metadataValue(_ key: String) -> String? {
        readString { buffer, size in llama_model_meta_val_str(pointer, key, buffer, size) }
    }
}

/// Holds the Swift closure behind llama.cpp's C progress callback.
private final class ProgressBox {
    let report: @Sendable (Double) -> Void
    init(_ report: @escaping @Sendable (Double) -> Void) { self.report = report }
}

/// Calls a llama.cpp "write into this buffer, return the length" function, growing the buffer when needed.
func readString(_ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) -> String? {
    var capacity = 256
    while true {
        var buffer = [CChar](repeating: 0, count: capacity)
        let length = buffer.withUnsafeMutableBufferPointer { storage -> Int32 in
            guard let base = storage.baseAddress else { return -1 }
            return body(base, capacity)
        }
        if length < 0 { return nil }
        if Int(length) < capacity {
            return String(decoding: buffer[0..<Int(length)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        capacity = Int(length) + 1
    }
}

extension ModelMetadata {
    init(reading model: OpaquePointer, vocab: OpaquePointer, header: GGUFFile) {
        var all: [String: String] = [:]
        for index in 0..<llama_model_meta_count(model) {
            guard let key = readString({ llama_model_meta_key_by_index(model, index, $0, $1) }),
                let value = readString({ llama_model_meta_val_str_by_index(model, index, $0, $1) })
            else { continue }
            all[key] = value
        }
        var special: [String: SpecialToken] = [:]
        let roles: [(String, Int32)] = [
            ("bos", llama_vocab_bos(vocab)), ("eos", llama_vocab_eos(vocab)), ("eot", llama_vocab_eot(vocab)),
            ("sep", llama_vocab_sep(vocab)), ("nl", llama_vocab_nl(vocab)), ("pad", llama_vocab_pad(vocab)),
            ("mask", llama_vocab_mask(vocab)), ("fim_pre", llama_vocab_fim_pre(vocab)),
            ("fim_suf", llama_vocab_fim_suf(vocab)), ("fim_mid", llama_vocab_fim_mid(vocab)),
        ]
        for (role, id) in roles where id >= 0 {
            let text = llama_vocab_get_text(vocab, id).map { String(cString: $0) } ?? ""
            special[role] = SpecialToken(id: id, text: text)
        }
        // A vocabulary-only load has no layers, and llama.cpp aborts if asked for per-layer values then.
        let hasLayers = llama_model_n_layer(model) > 0
        let architecture = all["general.architecture"] ?? "unknown"
        func fromHeader(_ key: String) -> Int {
            header.metadata["\(architecture).\(key)"]?.intValue ?? 0
        }
        let vocabTypes = ["none", "spm", "bpe", "wpm", "ugm", "rwkv", "plamo2"]
        let vocabType = Int(llama_vocab_type(vocab).rawValue)
        self.init(
            architecture: architecture,
            summary: hasLayers
                ? readString({ llama_model_desc(model, $0, $1) }) ?? ""
                : [architecture, all["general.size_label"] ?? ""].filter { !$0.isEmpty }.joined(separator: " "),
            name: all["general.name"],
            parameterCount: Int(llama_model_n_params(model)),
            weightBytes: Int(llama_model_size(model)),
            trainingContextLength: hasLayers ? Int(llama_model_n_ctx_train(model)) : fromHeader("context_length"),
            embeddingLength: hasLayers ? Int(llama_model_n_embd(model)) : fromHeader("embedding_length"),
            layerCount: hasLayers ? Int(llama_model_n_layer(model)) : fromHeader("block_count"),
            headCount: hasLayers ? Int(llama_model_n_head(model)) : fromHeader("attention.head_count"),
            keyValueHeadCount: hasLayers ? Int(llama_model_n_head_kv(model)) : fromHeader("attention.head_count_kv"),
            slidingWindow: hasLayers ? Int(llama_model_n_swa(model)) : fromHeader("attention.sliding_window"),
            vocabularySize: Int(llama_vocab_n_tokens(vocab)),
            vocabularyType: vocabType < vocabTypes.count ? vocabTypes[vocabType] : "type \(vocabType)",
            chatTemplate: llama_model_chat_template(model, nil).map { String(cString: $0) },
            specialTokens: special,
            addsBOS: llama_vocab_get_add_bos(vocab),
            addsEOS: llama_vocab_get_add_eos(vocab),
            general: all.filter { $0.key.hasPrefix("general.") },
            all: all
        )
    }
}
