import Foundation

/// AgentBench's overall score (OA). Each environment's score (a percentage, as AgentBench's tables give it) is
/// divided by that environment's weight — the average score of a reference set of models on it — and the
/// quotients are averaged over the environments. An OA of 1 means "as good as the reference models' average".
public struct OverallWeights: Sendable, Hashable, Codable {
    /// Environment name → the reference models' average score on it, in percent (AgentBench's "Weight⁻¹" row).
    public var averages: [String: Double]
    /// Where the weights come from.
    public var source: String

    public init(averages: [String: Double], source: String) {
        self.averages = averages
        self.source = source
    }

    /// AgentBench's published weights (ICLR 2024 version, Table 2's "Weight⁻¹" row): the average score of the
    /// evaluated models in each of its eight environments. Emergent's `household` is AgentBench's HH
    /// (ALFWorld) and `webshop` its WS; `dcg`, `ltp` and `webbrowsing` have no Emergent environment yet but are
    /// kept so published results can be checked.
    public static let agentBench = OverallWeights(
        averages: ["os": 10.8, "db": 13.0, "kg": 13.9, "dcg": 12.0, "ltp": 3.5, "household": 13.0, "webshop": 30.7,
                   "webbrowsing": 11.6],
        source: "AgentBench (ICLR 2024), Table 2, Weight⁻¹")

    /// Weights recomputed from a set of your own runs: each environment's weight is the mean of the runs' scores
    /// on it (runs without that environment do not count). Scores are percentages.
    public static func average(of runs: [[String: Double]], source: String) -> OverallWeights {
        var sums: [String: Double] = [:]
        var counts: [String: Int] = [:]
        for run in runs {
            for (environment, score) in run {
                sums[environment, default: 0] += score
                counts[environment, default: 0] += 1
            }
        }
        var averages: [String: Double] = [:]
        for (environment, sum) in sums {
            if let count = counts[environment], count > 0 { averages[environment] = sum / Double(count) }
        }
        return OverallWeights(averages: averages, source: source)
    }

    /// The overall score of `scores` (environment → percent): the mean of score ÷ weight over the environments
    /// that have both a score and a positive weight; `nil` when none has.
    public func overall(_ scores: [String: Double]) -> Double? {
        let quotients = scores.compactMap { environment, score -> Double? in
            guard let weight = averages[environment], weight > 0 else { return nil }
            return score / weight
        }
        guard !quotients.isEmpty else { return nil }
        return quotients.reduce(0, +) / Double(quotients.count)
    }
}

/// Rows of AgentBench's published results table (ICLR 2024, Table 3: test set, scores in percent, and the overall
/// score), for checking the OA formula and for comparing a run with published models in reports.
public struct PublishedAgentBenchResult: Sendable, Hashable {
    public var model: String
    /// Environment name → score in percent, for all eight environments.
    public var scores: [String: Double]
    public var overall: Double

    public static let table: [PublishedAgentBenchResult] = [
        row("gpt-4", [42.4, 32.0, 58.8, 74.5, 16.6, 78.0, 61.1, 29.0], 4.01),
        row("claude-2", [18.1, 27.3, 41.3, 55.5, 8.4, 54.0, 61.4, 0.0], 2.49),
        row("gpt-3.5-turbo", [32.6, 36.7, 25.9, 33.7, 10.5, 16.0, 64.1, 20.0], 2.32),
        row("text-davinci-003", [20.1, 16.3, 34.9, 3.0, 7.1, 20.0, 61.7, 26.0], 1.71),
    ]

    /// AgentBench's column order.
    public static let environments = ["os", "db", "kg", "dcg", "ltp", "household", "webshop", "webbrowsing"]

    private static func row(_ model: String, _ values: [Double], _ overall: Double) -> PublishedAgentBenchResult {
        PublishedAgentBenchResult(
            model: model, scores: Dictionary(uniqueKeysWithValues: zip(environments, values)), overall: overall)
    }
}
