/// Reciprocal rank fusion: merges ranked lists by `score(d) = Σ 1 / (k + rank(d))` over the lists that contain
/// `d`, with ranks from 1 and `k` = 60 (Cormack, Clarke and Büttcher, 2009). An item missing from a list gets
/// nothing from it, so agreement between lists dominates and no score scales have to be reconciled.
public enum RankFusion {
    public static let defaultK = 60.0

    /// Items in fused order with their scores; ties keep the order of first appearance.
    public static func fuse<ID: Hashable>(_ lists: [[ID]], k: Double = defaultK) -> [(id: ID, score: Double)] {
        var scores: [ID: Double] = [:]
        var firstSeen: [ID: Int] = [:]
        var counter = 0
        for list in lists {
            for (index, id) in list.enumerated() {
                scores[id, default: 0] += 1 / (k + Double(index + 1))
                if firstSeen[id] == nil {
                    firstSeen[id] = counter
                    counter += 1
                }
            }
        }
        return scores.map { (id: $0.key, score: $0.value) }.sorted { lhs, rhs in
            if lhs.score != rhs.score { return lhs.score > rhs.score }
            return (firstSeen[lhs.id] ?? 0) < (firstSeen[rhs.id] ?? 0)
        }
    }
}
