/// `index.json`: what a packed data set holds and where each batch's arrays are. See docs/packing.md.
public struct PackingIndex: Sendable, Codable {
    /// One batch: its arrays' files (relative to the index) and their shapes.
    public struct Shard: Sendable, Codable {
        public var batch: Int
        public var sequences: Int
        /// Real (non-padding) tokens.
        public var tokens: Int
        public var targetTokens: Int
        /// Array name (`input_ids`, `labels`, `position_ids`, `cu_seqlens`, `loss_weights`) → `.npy` file name.
        public var files: [String: String]
        /// Array name → shape.
        public var shapes: [String: [Int]]
    }

    /// Counts over the whole data set.
    public struct Totals: Sendable, Codable {
        public var sequences: Int
        public var batches: Int
        public var tokens: Int
        public var targetTokens: Int
        public var processedTokens: Int
        public var paddingFraction: Double
        public var skippedWithoutTargets: Int
        public var skippedUnsplittable: Int
        public var truncated: Int
    }

    public var format = "emergent-pack"
    public var version = 1
    public var method: PackingMethod
    public var maxTokens: Int
    public var batchSize: Int
    public var seed: UInt64
    /// The tokenizer's model file name.
    public var tokenizer: String
    public var padTokenId: Int32
    public var ignoreLabel: Int32 = TokenizedSequence.ignoredLabel
    /// How `loss_weights` were computed.
    public var lossWeighting =
        "LongAlign: each target token of sequence i weighs K/(N_i*M) (K batches, M sequences, N_i targets)"
    public var totals: Totals
    public var shards: [Shard]
}
