/// What a loaded model says about itself.
public struct ModelMetadata: Sendable, Hashable, Codable {
    /// One special token: its id and its text.
    public struct SpecialToken: Sendable, Hashable, Codable {
        public var id: Int32
        public var text: String
    }

    /// `general.architecture`, for example `gemma3` or `llama`.
    public var architecture: String
    /// llama.cpp's one-line description (architecture, size, quantization).
    public var summary: String
    /// `general.name`, when present.
    public var name: String?
    public var parameterCount: Int
    /// Bytes of all weight tensors.
    public var weightBytes: Int
    public var trainingContextLength: Int
    public var embeddingLength: Int
    public var layerCount: Int
    public var headCount: Int
    public var keyValueHeadCount: Int
    /// Sliding-window attention size, 0 when the model has none.
    public var slidingWindow: Int
    public var vocabularySize: Int
    /// The tokenizer family (`spm`, `bpe`, `wpm`, `ugm`, `rwkv`, `plamo2` or `none`).
    public var vocabularyType: String
    /// The Jinja chat template stored in the file, if any.
    public var chatTemplate: String?
    /// Special tokens by role: `bos`, `eos`, `eot`, `sep`, `nl`, `pad`, `mask`, `fim_*`.
    public var specialTokens: [String: SpecialToken]
    public var addsBOS: Bool
    public var addsEOS: Bool
    /// Every `general.*` key, as text.
    public var general: [String: String]
    /// Every metadata key, as text (long arrays summarised by llama.cpp).
    public var all: [String: String]
}
