/// How far one run may go before the agent stops and explains where it got to.
public struct AgentLimits: Sendable, Hashable, Codable {
    /// Model turns that may call tools; the next turn must answer. Default 10.
    public var maxToolRounds: Int
    /// Wall-clock time for the whole run.
    public var maxWallSeconds: Double
    /// Generated tokens over all of the run's model calls.
    public var maxTokens: Int
    /// Time one tool call may take before it is abandoned and reported as timed out.
    public var toolTimeoutSeconds: Double
    /// Tool calls run in one round; further calls in the same reply are not run, and the model is told so.
    public var maxParallelCalls: Int

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxToolRounds = "max_tool_rounds", maxWallSeconds = "max_wall_seconds", maxTokens = "max_tokens"
        case toolTimeoutSeconds = "tool_timeout_seconds", maxParallelCalls = "max_parallel_calls"
    }

    /// Reads limits from YAML or JSON; a missing field keeps its default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = AgentLimits()
        maxToolRounds = try container.decodeIfPresent(Int.self, forKey: .maxToolRounds) ?? defaults.maxToolRounds
        maxWallSeconds = try container.decodeIfPresent(Double.self, forKey: .maxWallSeconds) ?? defaults.maxWallSeconds
        maxTokens = try container.decodeIfPresent(Int.self, forKey: .maxTokens) ?? defaults.maxTokens
        toolTimeoutSeconds =
            try container.decodeIfPresent(Double.self, forKey: .toolTimeoutSeconds) ?? defaults.toolTimeoutSeconds
        maxParallelCalls =
            try container.decodeIfPresent(Int.self, forKey: .maxParallelCalls) ?? defaults.maxParallelCalls
    }

    public init(
        maxToolRounds: Int = 10, maxWallSeconds: Double = 300, maxTokens: Int = 8192, toolTimeoutSeconds: Double = 60,
        maxParallelCalls: Int = 8
    ) {
        self.maxToolRounds = maxToolRounds
        self.maxWallSeconds = maxWallSeconds
        self.maxTokens = maxTokens
        self.toolTimeoutSeconds = toolTimeoutSeconds
        self.maxParallelCalls = maxParallelCalls
    }
}
