/// One batch as the arrays a trainer reads, all laid out row-major.
///
/// Padded batches are `[rows, columns]` with one sequence per row; a pack is `[1, columns]` with its sequences
/// end to end. Padding positions hold the pad token, label −100, position 0 and weight 0.
public struct TrainingBatch: Sendable {
    public var rows: Int
    public var columns: Int
    /// Token ids, `rows × columns`.
    public var inputIDs: [Int32]
    /// Targets (the token id) or −100, `rows × columns`.
    public var labels: [Int32]
    /// Each token's position within its own sequence, restarting at 0 for every sequence.
    public var positionIDs: [Int32]
    /// Where each sequence starts in the batch's real tokens laid end to end (padding removed), plus the total:
    /// flash-attention's `cu_seqlens`, `sequences + 1` entries starting at 0. For a pack it indexes the row itself.
    public var cuSeqlens: [Int32]
    /// Each token's loss weight (LongAlign's K / (N_i · M) on targets, 0 elsewhere).
    public var lossWeights: [Float]

    /// Lays out `members` of `sequences` with `plan`'s shape for `batch`.
    public init(
        batch: Int, plan: BatchPlan, sequences: [TokenizedSequence], weights: [Double], padToken: Int32
    ) {
        let (rows, columns) = plan.shape(ofBatch: batch)
        let size = rows * columns
        self.rows = rows
        self.columns = columns
        inputIDs = Array(repeating: padToken, count: size)
        labels = Array(repeating: TokenizedSequence.ignoredLabel, count: size)
        positionIDs = Array(repeating: 0, count: size)
        lossWeights = Array(repeating: 0, count: size)
        cuSeqlens = [0]
        var cursor = 0
        var realTokens: Int32 = 0
        for (row, member) in plan.batches[batch].enumerated() {
            let sequence = sequences[member]
            let weight = Float(weights[member])
            if plan.method.isPadded { cursor = row * columns }
            for offset in 0..<sequence.count {
                let label = sequence.labels[offset]
                inputIDs[cursor] = sequence.tokens[offset]
                labels[cursor] = label
                positionIDs[cursor] = Int32(offset)
                lossWeights[cursor] = label == TokenizedSequence.ignoredLabel ? 0 : weight
                cursor += 1
            }
            realTokens += Int32(sequence.count)
            cuSeqlens.append(realTokens)
        }
    }
}
