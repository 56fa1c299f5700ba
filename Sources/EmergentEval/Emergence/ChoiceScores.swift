import Foundation

/// One multiple-choice item's scores from its choices' log-likelihoods, as lm-eval computes them, plus the
/// continuous metrics of Schaeffer et al. (probability of the right choice, Brier score).
public struct ChoiceScores: Sendable, Hashable, Codable {
    /// 1 when the most likely choice is right.
    public var accuracy: Double
    /// 1 when the choice with the highest log-likelihood per byte is right.
    public var normalizedAccuracy: Double
    /// The softmax over the choices' total log-likelihoods: the probability of the right one.
    public var correctChoiceProbability: Double
    /// Σ_k (p_k − y_k)² over the choices; 0 is perfect, 2 is the worst, 1 − 1/k is uniform guessing.
    public var brier: Double
    /// The softmax probabilities of all choices (they sum to 1).
    public var probabilities: [Double]

    /// Scores one item. `logLikelihoods[k]` is the total log-probability of choice k; `byteLengths[k]` its length.
    public init(logLikelihoods: [Double], byteLengths: [Int], target: Int) {
        let best = logLikelihoods.max() ?? 0
        let exps = logLikelihoods.map { exp($0 - best) }
        let sum = exps.reduce(0, +)
        probabilities = exps.map { $0 / sum }
        let argmax = logLikelihoods.indices.max { logLikelihoods[$0] < logLikelihoods[$1] }
        let normalized = zip(logLikelihoods, byteLengths).map { $0 / Double(max($1, 1)) }
        let normArgmax = normalized.indices.max { normalized[$0] < normalized[$1] }
        accuracy = argmax == target ? 1 : 0
        normalizedAccuracy = normArgmax == target ? 1 : 0
        correctChoiceProbability = probabilities[target]
        brier = probabilities.enumerated().reduce(0) { total, entry in
            let truth: Double = entry.offset == target ? 1 : 0
            return total + (entry.element - truth) * (entry.element - truth)
        }
    }
}
