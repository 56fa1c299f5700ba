/// Which of an agent's limits ended a run early.
public enum AgentLimit: String, Sendable, Hashable, Codable {
    case toolRounds = "max_tool_rounds"
    case wallTime = "max_wall_time"
    case tokens = "max_tokens"

    /// The limit in the user's words, with its value.
    public func describe(_ limits: AgentLimits) -> String {
        switch self {
        case .toolRounds: "its limit of \(limits.maxToolRounds) tool round\(limits.maxToolRounds == 1 ? "" : "s")"
        case .wallTime: "its time limit of \(Self.seconds(limits.maxWallSeconds))"
        case .tokens: "its limit of \(limits.maxTokens) generated tokens"
        }
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}
