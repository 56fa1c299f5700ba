import Foundation

/// How AgentBench v0.2's alfworld task reads an agent's reply and maps it onto an admissible command
/// (`process_action` in its `utils.py`), rebuilt in Swift:
///
/// 1. The action is what follows the first `ACTION:` (case-sensitive) up to the end of that line; a reply without
///    `ACTION:` has no action.
/// 2. It is trimmed and lower-cased.
/// 3. If it is exactly an admissible command, that command is taken.
/// 4. Otherwise each admissible command is scored by sentence BLEU with the command as reference and the action
///    as candidate (NLTK's `sentence_bleu`, whitespace tokens, weights 0.25 × 4, smoothing `method4` with k = 5);
///    the best-scoring command (the first on ties, in the listed order) is taken if its score is above 0.01.
/// 5. Otherwise the action goes to the world unchanged, which answers "Nothing happens.".
public enum HouseholdActionMatcher {
    /// The BLEU score a command must beat for a near-miss to map onto it.
    public static let threshold = 0.01

    /// The action line of a text reply, or `nil` when it has none.
    public static func actionLine(in reply: String) -> String? {
        guard let marker = reply.range(of: "ACTION:") else { return nil }
        let rest = reply[marker.upperBound...]
        let line = rest.prefix { $0 != "\n" && $0 != "\r" }
        return String(line)
    }

    /// Trims, lower-cases and keeps the first line of an action.
    public static func normalize(_ action: String) -> String {
        let trimmed = action.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        return String(trimmed.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
    }

    /// The command an action maps to: itself when admissible, the closest admissible command by BLEU above the
    /// threshold, or the action unchanged.
    public static func match(_ action: String, admissible: [String]) -> String {
        let action = normalize(action)
        if admissible.isEmpty || admissible.contains(action) { return action }
        var best: (index: Int, score: Double)?
        for (index, command) in admissible.enumerated() {
            let score = bleu(reference: command, candidate: action)
            if best == nil || score > (best?.score ?? 0) { best = (index, score) }
        }
        if let best, best.score > threshold { return admissible[best.index] }
        return action
    }

    /// NLTK's sentence BLEU of one candidate against one reference, with uniform 4-gram weights and smoothing
    /// method 4 (as AgentBench calls it).
    public static func bleu(reference: String, candidate: String) -> Double {
        let ref = reference.split(whereSeparator: \.isWhitespace).map(String.init)
        let hyp = candidate.split(whereSeparator: \.isWhitespace).map(String.init)
        var numerators: [Int] = []
        var denominators: [Int] = []
        for order in 1...4 {
            let hypGrams = ngramCounts(hyp, order)
            let refGrams = ngramCounts(ref, order)
            numerators.append(hypGrams.reduce(0) { $0 + min($1.value, refGrams[$1.key, default: 0]) })
            denominators.append(max(1, hypGrams.values.reduce(0, +)))
        }
        guard numerators[0] > 0 else { return 0 }
        let brevity: Double = hyp.count > ref.count ? 1 : exp(1 - Double(ref.count) / Double(hyp.count))
        var precisions: [Double] = []
        var increment = 1.0
        for (numerator, denominator) in zip(numerators, denominators) {
            if numerator == 0 && hyp.count > 1 {
                let smoothed = 1 / (pow(2, increment) * 5 / log(Double(hyp.count)))
                precisions.append(smoothed / Double(denominator))
                increment += 1
            } else {
                precisions.append(Double(numerator) / Double(denominator))
            }
        }
        let logSum = precisions.filter { $0 > 0 }.reduce(0) { $0 + 0.25 * log($1) }
        return brevity * exp(logSum)
    }

    private static func ngramCounts(_ tokens: [String], _ order: Int) -> [[String]: Int] {
        guard tokens.count >= order else { return [:] }
        var counts: [[String]: Int] = [:]
        for start in 0...(tokens.count - order) {
            counts[Array(tokens[start..<(start + order)]), default: 0] += 1
        }
        return counts
    }
}
