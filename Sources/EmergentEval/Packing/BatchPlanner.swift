/// Forms batches from sequence lengths with one of LongAlign's three strategies.
public struct BatchPlanner: Sendable {
    /// Sequences per batch for `naive` and `sort`.
    public var batchSize: Int
    /// The most tokens in one pack for `pack`; every sequence must already fit (see `PackingPipeline`).
    public var maxTokens: Int
    /// Seeds `sort`'s grouping and shuffling.
    public var seed: UInt64

    public init(batchSize: Int = 8, maxTokens: Int = 65_536, seed: UInt64 = 0) {
        self.batchSize = batchSize
        self.maxTokens = maxTokens
        self.seed = seed
    }

    /// The plan for `lengths` with `method`.
    public func plan(_ method: PackingMethod, lengths: [Int]) -> BatchPlan {
        let batches: [[Int]] =
            switch method {
            case .naive: naive(lengths)
            case .sort: sorted(lengths)
            case .pack: packed(lengths)
            }
        return BatchPlan(method: method, batches: batches, lengths: lengths)
    }

    private func naive(_ lengths: [Int]) -> [[Int]] {
        stride(from: 0, to: lengths.count, by: batchSize).map { Array($0..<min(lengths.count, $0 + batchSize)) }
    }

    private func sorted(_ lengths: [Int]) -> [[Int]] {
        var generator = SeededGenerator(seed: seed)
        let order = lengths.indices.sorted { (lengths[$0], $0) < (lengths[$1], $1) }
        // A random first cut, so different seeds group different neighbours together.
        let offset = lengths.count > batchSize ? Int.random(in: 0..<batchSize, using: &generator) : 0
        var batches: [[Int]] = offset > 0 ? [Array(order[0..<offset])] : []
        for start in stride(from: offset, to: order.count, by: batchSize) {
            batches.append(Array(order[start..<min(order.count, start + batchSize)]))
        }
        batches.shuffle(using: &generator)
        return batches
    }

    /// First-fit decreasing: longest first, each into the first pack with room, a new pack when none has.
    private func packed(_ lengths: [Int]) -> [[Int]] {
        let order = lengths.indices.sorted { (lengths[$0], $1) > (lengths[$1], $0) }
        var packs: [[Int]] = []
        var room: [Int] = []
        for index in order {
            let length = lengths[index]
            if let pack = room.firstIndex(where: { $0 >= length }) {
                packs[pack].append(index)
                room[pack] -= length
            } else {
                packs.append([index])
                room.append(maxTokens - length)
            }
        }
        return packs
    }
}
