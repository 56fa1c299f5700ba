import EmergentCore

/// Everything the engine can refuse or fail at, each with a message naming the input and a next step.
public enum EngineError: EmergentError, Equatable {
    /// The model path does not exist.
    case modelFileNotFound(path: String)
    /// The file exists but does not start with the GGUF magic bytes.
    case notGGUF(path: String, detail: String)
    /// The GGUF header promises more bytes than the file holds.
    case truncatedGGUF(path: String, expectedBytes: Int, actualBytes: Int)
    /// The GGUF header or tensor table is inconsistent.
    case corruptGGUF(path: String, detail: String)
    /// llama.cpp does not know the model's architecture.
    case unsupportedArchitecture(path: String, architecture: String)
    /// llama.cpp failed to load the model for another reason (its own words are in `detail`).
    case modelLoadFailed(path: String, detail: String)
    /// The KV cache for the requested context does not fit in memory.
    case contextTooLarge(requestedTokens: Int, neededBytes: Int, availableBytes: Int)
    /// llama.cpp could not create the inference context.
    case contextCreationFailed(detail: String)
    /// The prompt (plus the room it needs) does not fit in the context window.
    case promptTooLong(promptTokens: Int, contextTokens: Int)
    /// The prompt has no tokens at all.
    case emptyPrompt
    /// An option is outside its valid range.
    case invalidOption(name: String, value: String, expected: String)
    /// The GBNF grammar did not parse.
    case invalidGrammar(detail: String)
    /// A token id is outside the vocabulary.
    case invalidToken(token: Int32, vocabularySize: Int)
    /// `llama_decode` reported an error.
    case decodeFailed(code: Int32)
    /// Saving or restoring a session's state failed.
    case sessionStateFailed(path: String, detail: String)
    /// The model cannot produce embeddings in this configuration.
    case embeddingsUnavailable(detail: String)
    /// Every slot is busy and the waiting queue is at its limit.
    case queueFull(limit: Int)
    /// The engine is shutting down and takes no new requests.
    case shuttingDown

    public var message: String {
        switch self {
        case .modelFileNotFound(let path):
            "No model file at '\(path)'."
        case .notGGUF(let path, let detail):
            "'\(path)' is not a GGUF model file (\(detail))."
        case .truncatedGGUF(let path, let expected, let actual):
            "'\(path)' is truncated: its header describes \(expected) bytes but the file has \(actual)."
        case .corruptGGUF(let path, let detail):
            "'\(path)' is a corrupt GGUF file: \(detail)."
        case .unsupportedArchitecture(let path, let architecture):
            "'\(path)' uses the model architecture '\(architecture)', which this build of llama.cpp does not support."
        case .modelLoadFailed(let path, let detail):
            "llama.cpp could not load '\(path)': \(detail)."
        case .contextTooLarge(let tokens, let needed, let available):
            "A context of \(tokens) tokens needs about \(Self.mebibytes(needed)) for its KV cache, "
                + "but only \(Self.mebibytes(available)) of memory is available."
        case .contextCreationFailed(let detail):
            "llama.cpp could not create an inference context: \(detail)."
        case .promptTooLong(let prompt, let context):
            "The prompt has \(prompt) tokens, but the context window holds \(context) "
                + "(and generation needs at least one free slot)."
        case .emptyPrompt:
            "The prompt is empty: there is nothing to evaluate."
        case .invalidOption(let name, let value, let expected):
            "Invalid \(name) \(value): expected \(expected)."
        case .invalidGrammar(let detail):
            "The GBNF grammar does not parse: \(detail)."
        case .invalidToken(let token, let size):
            "Token id \(token) is outside the vocabulary (valid ids are 0..<\(size))."
        case .decodeFailed(let code):
            "llama_decode failed with code \(code)."
        case .sessionStateFailed(let path, let detail):
            "Session state file '\(path)': \(detail)."
        case .embeddingsUnavailable(let detail):
            "Embeddings are not available: \(detail)."
        case .queueFull(let limit):
            "The server is busy: all slots are generating and \(limit) requests are already waiting."
        case .shuttingDown:
            "The engine is shutting down and accepts no new requests."
        }
    }

    public var recovery: String? {
        switch self {
        case .modelFileNotFound:
            "Check the path, or run `scripts/setup.sh` to install the default model into $EMERGENT_HOME/models."
        case .notGGUF:
            "Pass a .gguf file; convert other formats with llama.cpp's convert_hf_to_gguf.py."
        case .truncatedGGUF:
            "The download or copy was interrupted: fetch the file again and compare its checksum."
        case .corruptGGUF:
            "Fetch the file again; if it was written by a tool, re-run that tool."
        case .unsupportedArchitecture:
            "Use a model of a supported architecture, or rebuild Emergent against a newer llama.cpp."
        case .modelLoadFailed:
            "Run with --verbose to see llama.cpp's log, and check the file against its published checksum."
        case .contextTooLarge:
            "Ask for a shorter context (--context), or a smaller KV cache type (--kv-cache q8_0 or q4_0)."
        case .contextCreationFailed:
            "Try a smaller context or batch size; run with --verbose to see llama.cpp's log."
        case .promptTooLong:
            "Shorten the prompt or load the model with a larger context (--context)."
        case .emptyPrompt:
            "Pass some text or at least one token."
        case .invalidOption:
            nil
        case .invalidGrammar:
            "Check the grammar against llama.cpp's grammars/README.md; the root rule must be named 'root'."
        case .invalidToken:
            "Tokenize with this model's own tokenizer."
        case .decodeFailed:
            "The context may be full or memory exhausted; start a new session or use a larger context."
        case .sessionStateFailed:
            "Restore state only into a session of the same model with at least the same context length."
        case .embeddingsUnavailable:
            nil
        case .queueFull:
            "Retry after a short wait, or start the server with more slots (--parallel) or a longer queue (--queue)."
        case .shuttingDown:
            "Retry against another instance, or once the server has restarted."
        }
    }

    private static func mebibytes(_ bytes: Int) -> String {
        "\(bytes / (1 << 20)) MiB"
    }
}
