import Foundation

/// Which trajectories AgentInstruct-style collection keeps: those that completed with a reward at or above a
/// threshold — 1.0 (full success) by default, lower per environment for partial credit (AgentInstruct kept
/// Mind2Web trajectories at 2/3 step success; `kg=0.667` or `webshop=0.667` does the same here).
public struct KeepRule: Sendable, Hashable, Codable {
    public var threshold: Double
    public var perEnvironment: [String: Double]

    public init(threshold: Double = 1.0, perEnvironment: [String: Double] = [:]) {
        self.threshold = threshold
        self.perEnvironment = perEnvironment
    }

    /// Parses `ENV=VALUE` overrides (`webshop=0.667`, or `webshop=2/3`).
    public static func parseOverride(_ text: String) throws -> (String, Double) {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, let value = parseFraction(parts[1]), (0...1).contains(value) else {
            throw EnvironmentError("'\(text)' is not ENV=THRESHOLD",
                                   recovery: "Write it like webshop=0.667 or kg=2/3, with a threshold in 0...1.")
        }
        return (parts[0], value)
    }

    /// A rule from `--threshold` and `--threshold-for ENV=VALUE` options; environment names are checked against
    /// the shipped environments (aliases such as `hh` accepted).
    public static func parse(threshold: Double, overrides: [String]) throws -> KeepRule {
        guard (0...1).contains(threshold) else {
            throw EnvironmentError("--threshold must be in 0...1, not \(threshold)", recovery: "1.0 keeps full successes only.")
        }
        var rule = KeepRule(threshold: threshold)
        for entry in overrides {
            let (environment, value) = try parseOverride(entry)
            rule.perEnvironment[try EnvironmentCatalog.environment(environment).name] = value
        }
        return rule
    }

    /// The threshold that applies to `environment`.
    public func threshold(for environment: String) -> Double { perEnvironment[environment] ?? threshold }

    /// Whether the episode is kept: it completed (no limit, error or invalid action ended it) and its reward
    /// reaches the threshold.
    public func keeps(_ result: EpisodeResult) -> Bool {
        result.finish == .completed && result.reward + 1e-9 >= threshold(for: result.environment)
    }

    private static func parseFraction(_ text: String) -> Double? {
        let parts = text.split(separator: "/").map { $0.trimmingCharacters(in: .whitespaces) }
        if parts.count == 2, let top = Double(parts[0]), let bottom = Double(parts[1]), bottom != 0 {
            return top / bottom
        }
        return Double(text.trimmingCharacters(in: .whitespaces))
    }
}

/// What a collection kept, per environment: AgentInstruct's kept/total figure, with turns and tokens.
public struct CollectionReport: Sendable, Hashable, Codable {
    /// One environment's line.
    public struct Line: Sendable, Hashable, Codable {
        public var environment: String
        public var tasks: Int
        public var episodes: Int
        public var kept: Int
        /// Tasks with at least one kept trajectory.
        public var tasksKept: Int
        public var keptTurns: Int
        public var keptTokens: Int
        public var threshold: Double

        public var keptFraction: Double { episodes == 0 ? 0 : Double(kept) / Double(episodes) }

        enum CodingKeys: String, CodingKey {
            case environment, tasks, episodes, kept, threshold
            case tasksKept = "tasks_kept", keptTurns = "kept_turns", keptTokens = "kept_tokens"
        }
    }

    public var lines: [Line]
    public var rule: KeepRule
    /// AgentInstruct's own figure: 1,866 trajectories kept of 35,341 generated.
    public static let agentInstructFraction = 1866.0 / 35341.0

    public var kept: Int { lines.reduce(0) { $0 + $1.kept } }
    public var episodes: Int { lines.reduce(0) { $0 + $1.episodes } }

    /// Applies `rule` to a run's records.
    public static func make(records: [EvalRecord], rule: KeepRule) -> (report: CollectionReport, kept: [EvalRecord]) {
        let kept = records.filter { rule.keeps($0.result) }
        let environments = Array(Set(records.map(\.result.environment))).sorted()
        let lines = environments.map { environment -> Line in
            let all = records.filter { $0.result.environment == environment }
            let mine = kept.filter { $0.result.environment == environment }
            return Line(environment: environment, tasks: Set(all.map(\.result.taskID)).count, episodes: all.count,
                        kept: mine.count, tasksKept: Set(mine.map(\.result.taskID)).count,
                        keptTurns: mine.reduce(0) { $0 + $1.turns }, keptTokens: mine.reduce(0) { $0 + $1.tokens },
                        threshold: rule.threshold(for: environment))
        }
        return (CollectionReport(lines: lines, rule: rule), kept)
    }

    /// A plain-text table for the terminal.
    public func table() -> String {
        var out = ["  environment  threshold   episodes      kept   kept %  tasks kept  mean turns  tokens kept"]
        for line in lines {
            let meanTurns = line.kept == 0 ? 0 : Double(line.keptTurns) / Double(line.kept)
            out.append("  " + line.environment.padding(toLength: 11, withPad: " ", startingAt: 0)
                + String(format: "%.3f", line.threshold).leftPadded(11) + String(line.episodes).leftPadded(11)
                + String(line.kept).leftPadded(10) + String(format: "%.1f", line.keptFraction * 100).leftPadded(9)
                + "\(line.tasksKept)/\(line.tasks)".leftPadded(12) + String(format: "%.1f", meanTurns).leftPadded(12)
                + String(line.keptTokens).leftPadded(13))
        }
        out.append(String(format: "  all: kept %d of %d (%.2f%%); AgentInstruct kept 1,866 of 35,341 (%.2f%%)", kept,
                          episodes, episodes == 0 ? 0 : Double(kept) / Double(episodes) * 100,
                          Self.agentInstructFraction * 100))
        return out.joined(separator: "\n")
    }
}
