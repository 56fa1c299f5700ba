/// How sequences are grouped into training batches (LongAlign, section 3.2).
public enum PackingMethod: String, Sendable, Codable, CaseIterable {
    /// Batches of `batchSize` sequences in input order, each padded to its longest sequence.
    case naive
    /// Sorted batching: sequences sorted by length, cut into consecutive groups of `batchSize` (the cut points
    /// shifted by a seeded random offset), then the batches shuffled. Little padding, but each batch is biased
    /// towards one length.
    case sort
    /// Packing: sequences bin-packed (first-fit decreasing) into packs of at most `maxTokens` tokens, laid end to
    /// end without padding; `cu_seqlens` keeps attention within each sequence.
    case pack

    /// Whether batches of this method are padded rectangles (`[sequences, longest]`) rather than one packed row.
    public var isPadded: Bool { self != .pack }
}
