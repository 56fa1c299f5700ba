/// How far apart two names are, for "did you mean …?" suggestions on misspelled keys and tool kinds.
enum EditDistance {
    /// The optimal-string-alignment distance between `a` and `b`, ignoring case: insertions, deletions,
    /// substitutions and swaps of neighbours each count 1 (so `pyhton` is one step from `python`).
    static func between(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased()), b = Array(b.lowercased())
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = [Int](repeating: 0, count: b.count + 1)
        var current = Array(0...b.count)
        var beforePrevious = current
        for i in 1...a.count {
            (beforePrevious, previous) = (previous, current)
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
        }
        return current[b.count]
    }

    /// The candidate closest to `name`, when it is close enough to be a likely misspelling: within a third of its
    /// length (at least one edit), so `instruction` suggests `instructions` but `teleport` suggests nothing.
    static func closest(to name: String, in candidates: [String]) -> String? {
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = between(name, candidate)
            guard distance <= max(1, candidate.count / 3) else { continue }
            if best.map({ distance < $0.distance }) ?? true { best = (candidate, distance) }
        }
        return best?.candidate
    }
}
