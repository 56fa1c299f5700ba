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

    public init(
        maxToolRounds: Int = 10, maxWallSeconds: Double = 300, maxTokens: Int = 8192, toolTimeoutSeconds: Double = 60
    ) {
        self.maxToolRounds = maxToolRounds
        self.maxWallSeconds = maxWallSeconds
        self.maxTokens = maxTokens
        self.toolTimeoutSeconds = toolTimeoutSeconds
    }
}
