/// LongAlign's loss weighting, which keeps packing from favouring sequences with many target tokens.
///
/// With M sequences in K batches and N_i target tokens in sequence i, each target token of sequence i is weighted
/// K / (N_i · M). A trainer that sums the weighted token losses of a batch and averages over batches then
/// minimises the mean over sequences of each sequence's mean token loss, just as if every sequence had its own
/// batch. Without the weights, a pack's plain token mean lets one long answer outweigh many short ones.
public enum LossWeighting {
    /// The weight of every target token of each sequence; 0 for a sequence without targets.
    /// - Parameters:
    ///   - targetCounts: N_i for each sequence.
    ///   - batchCount: K, the number of batches the sequences are spread over.
    public static func weights(targetCounts: [Int], batchCount: Int) -> [Double] {
        let sequences = Double(targetCounts.count)
        return targetCounts.map { count in
            count == 0 ? 0 : Double(batchCount) / (Double(count) * sequences)
        }
    }
}
