import Foundation

/// A run's scores: per environment its official metric, breakdown and finish reasons, and the overall score.
public struct EvalSummary: Sendable, Hashable, Codable {
    /// One environment's part.
    public struct EnvironmentSummary: Sendable, Hashable, Codable {
        public var environment: String
        public var title: String
        public var metric: String
        /// The metric in 0...1.
        public var score: Double
        public var breakdown: [String: Double]
        public var episodes: Int
        public var tasks: Int
        /// Finish reason → episodes.
        public var finishes: [String: Int]
        public var meanTurns: Double
        public var meanTokens: Double

        enum CodingKeys: String, CodingKey {
            case environment, title, metric, score, breakdown, episodes, tasks, finishes
            case meanTurns = "mean_turns", meanTokens = "mean_tokens"
        }
    }

    public var name: String
    public var agent: String
    public var mode: ActionMode
    public var environments: [EnvironmentSummary]
    /// AgentBench's OA over the environments run, with `weights`.
    public var overall: Double?
    public var weights: OverallWeights

    /// Scores in percent, keyed by environment, as the OA formula takes them.
    public var percentScores: [String: Double] {
        Dictionary(uniqueKeysWithValues: environments.map { ($0.environment, $0.score * 100) })
    }

    /// Summarises finished episodes with each environment's own metric.
    public static func make(manifest: EvalRunManifest, records: [EvalRecord], environments: [any Environment],
                            weights: OverallWeights = .agentBench) -> EvalSummary {
        var parts: [EnvironmentSummary] = []
        for environment in environments {
            let mine = records.filter { $0.result.environment == environment.name }
            guard !mine.isEmpty else { continue }
            let score = environment.score(mine.map(\.result))
            var finishes: [String: Int] = [:]
            for record in mine { finishes[record.result.finish.rawValue, default: 0] += 1 }
            let count = Double(mine.count)
            parts.append(EnvironmentSummary(
                environment: environment.name, title: environment.title, metric: environment.metricName,
                score: score.value, breakdown: score.breakdown, episodes: mine.count,
                tasks: Set(mine.map(\.result.taskID)).count, finishes: finishes,
                meanTurns: Double(mine.reduce(0) { $0 + $1.turns }) / count,
                meanTokens: Double(mine.reduce(0) { $0 + $1.tokens }) / count))
        }
        var summary = EvalSummary(name: manifest.name, agent: manifest.agent, mode: manifest.mode,
                                  environments: parts, overall: nil, weights: weights)
        summary.overall = weights.overall(summary.percentScores)
        return summary
    }

    /// A plain-text table for the terminal.
    public func table() -> String {
        var lines = ["\(name) — \(agent), \(mode.rawValue) mode"]
        let header = "  " + "environment".padding(toLength: 12, withPad: " ", startingAt: 0)
            + "metric".padding(toLength: 16, withPad: " ", startingAt: 0) + "score".leftPadded(8)
            + "episodes".leftPadded(10) + "  finish reasons"
        lines.append(header)
        for part in environments {
            let finishes = EpisodeFinish.allCases.compactMap { reason -> String? in
                guard let count = part.finishes[reason.rawValue], count > 0 else { return nil }
                return "\(reason.rawValue) \(count)"
            }.joined(separator: ", ")
            lines.append("  " + part.environment.padding(toLength: 12, withPad: " ", startingAt: 0)
                + part.metric.padding(toLength: 16, withPad: " ", startingAt: 0)
                + String(format: "%.1f", part.score * 100).leftPadded(8)
                + String(part.episodes).leftPadded(10) + "  " + finishes)
        }
        if let overall {
            lines.append(String(format: "  overall (AgentBench OA, %@): %.2f", weights.source, overall))
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
