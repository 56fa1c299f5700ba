import Foundation

/// One generation item's scores: the extracted answer, exact match and token-level edit similarity.
public struct GenerationScores: Sendable, Hashable, Codable {
    /// The answer the filter pulled from the generated text (trimmed).
    public var answer: String
    /// 1 when the answer equals the target (both trimmed).
    public var exactMatch: Double
    /// 1 − edit distance / max(length) over tokens: partial credit for near misses (Schaeffer et al.).
    public var editSimilarity: Double

    public init(answer: String, exactMatch: Double, editSimilarity: Double) {
        self.answer = answer
        self.exactMatch = exactMatch
        self.editSimilarity = editSimilarity
    }

    /// Scores `answer` against `target`, given both as tokens for the edit similarity.
    public init(answer: String, target: String, answerTokens: [Int32], targetTokens: [Int32]) {
        self.answer = answer
        exactMatch =
            answer.trimmingCharacters(in: .whitespacesAndNewlines)
                == target.trimmingCharacters(in: .whitespacesAndNewlines) ? 1 : 0
        editSimilarity = Self.editSimilarity(answerTokens, targetTokens)
    }

    /// The answer in `text`: the first capture group of `pattern`'s first match (or the whole match when the
    /// pattern has no group); the trimmed text when there is no pattern, and "" when it does not match.
    public static func extract(from text: String, pattern: String?) -> String {
        guard let pattern else { return text.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
        else { return "" }
        let range = match.numberOfRanges > 1 ? match.range(at: 1) : match.range
        guard range.location != NSNotFound, let found = Range(range, in: text) else { return "" }
        return String(text[found]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// 1 − Levenshtein distance / max(count); 1 for two empty sequences.
    public static func editSimilarity<Element: Equatable>(_ a: [Element], _ b: [Element]) -> Double {
        let longest = max(a.count, b.count)
        guard longest > 0 else { return 1 }
        if a.isEmpty || b.isEmpty { return 0 }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return 1 - Double(previous[b.count]) / Double(longest)
    }
}
