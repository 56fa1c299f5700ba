/// Which sequences go into which training batch, decided from sequence lengths alone.
public struct BatchPlan: Sendable, Hashable {
    /// How the batches were formed.
    public let method: PackingMethod
    /// For each batch, the indices of its sequences (into the list the plan was made from).
    public let batches: [[Int]]
    /// Each sequence's length in tokens.
    public let lengths: [Int]

    public init(method: PackingMethod, batches: [[Int]], lengths: [Int]) {
        self.method = method
        self.batches = batches
        self.lengths = lengths
    }

    /// The shape a batch is written in: `[sequences, longest]` when padded, `[1, total]` when packed.
    public func shape(ofBatch batch: Int) -> (rows: Int, columns: Int) {
        let members = batches[batch]
        if method.isPadded { return (members.count, members.map { lengths[$0] }.max() ?? 0) }
        return (1, members.reduce(0) { $0 + lengths[$1] })
    }

    /// Real (non-padding) tokens in all batches.
    public var realTokens: Int { lengths.reduce(0, +) }

    /// Tokens the model processes, padding included.
    public var processedTokens: Int {
        batches.indices.reduce(0) { total, batch in
            let shape = shape(ofBatch: batch)
            return total + shape.rows * shape.columns
        }
    }

    /// The share of processed tokens that are padding.
    public var paddingFraction: Double {
        let processed = processedTokens
        return processed == 0 ? 0 : Double(processed - realTokens) / Double(processed)
    }
}
