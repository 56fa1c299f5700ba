/// One conversation as tokens, with the label each token is trained towards.
///
/// `labels[i]` is `tokens[i]` for assistant tokens (the targets) and `TokenizedSequence.ignoredLabel` (−100) for
/// every other token (system, user and tool turns, and the template's headers). Labels are not shifted: as in
/// Hugging Face transformers, the trainer shifts them when it computes next-token loss.
public struct TokenizedSequence: Sendable, Hashable {
    /// The label of tokens that carry no loss, as PyTorch's `CrossEntropyLoss(ignore_index=-100)` expects.
    public static let ignoredLabel: Int32 = -100

    public private(set) var tokens: [Int32]
    public private(set) var labels: [Int32]

    public init(tokens: [Int32], labels: [Int32]) {
        precondition(tokens.count == labels.count, "every token needs a label")
        self.tokens = tokens
        self.labels = labels
    }

    public var count: Int { tokens.count }

    /// How many tokens are targets (carry loss).
    public var targetCount: Int { labels.reduce(0) { $0 + ($1 == Self.ignoredLabel ? 0 : 1) } }

    /// The first `limit` tokens; the end of an over-long conversation is dropped.
    public func truncated(to limit: Int) -> TokenizedSequence {
        guard count > limit else { return self }
        return TokenizedSequence(tokens: Array(tokens.prefix(limit)), labels: Array(labels.prefix(limit)))
    }
}
