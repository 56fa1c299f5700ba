/// What `emergent pack` did: the input, what was skipped, timings, and every method's plan on the same data.
public struct PackingReport: Sendable, Codable {
    public var input: String
    public var output: String
    /// The method whose batches were written.
    public var method: PackingMethod
    public var maxTokens: Int
    public var batchSize: Int
    public var seed: UInt64
    public var conversations: Int
    /// Trainable sequences after skipping.
    public var sequences: Int
    public var tokens: Int
    public var targetTokens: Int
    /// Conversations without an assistant turn, or left without targets by truncation.
    public var skippedWithoutTargets: Int
    public var skippedUnsplittable: Int
    /// Sequences longer than `maxTokens`, cut to their first `maxTokens` tokens.
    public var truncated: Int
    public var readSeconds: Double
    public var tokenizeSeconds: Double
    public var writeSeconds: Double
    public var totalSeconds: Double
    /// Every method planned on the same sequences, naive first.
    public var plans: [PlanSummary]
}
