import EmergentCore
import EmergentTools

/// Everything one agent runs with: who it is, how it samples, which tools it may call, and its limits.
public struct AgentConfiguration: Sendable {
    /// Shown in events and trajectories.
    public var name: String
    /// The system prompt's own part; the agent adds tool guidance after it.
    public var instructions: String
    public var tools: [any Tool]
    public var limits: AgentLimits
    public var sampling: SamplingParameters
    /// The most tokens one model call may generate (the run's token budget caps it further).
    public var maxTokensPerCall: Int

    public init(
        name: String = "agent", instructions: String = AgentConfiguration.defaultInstructions, tools: [any Tool] = [],
        limits: AgentLimits = AgentLimits(), sampling: SamplingParameters = .greedy, maxTokensPerCall: Int = 1024
    ) {
        self.name = name
        self.instructions = instructions
        self.tools = tools
        self.limits = limits
        self.sampling = sampling
        self.maxTokensPerCall = maxTokensPerCall
    }

    /// The All Tools agent's instructions.
    public static let defaultInstructions = """
        You are a helpful assistant that can use tools. Decide for yourself whether a request needs tools. \
        For facts you do not know, search and open pages before answering; for calculations, data and charts, \
        write and run Python. Call several tools at once when they do not depend on each other. \
        When you use a source, cite it as 【id†title】 with the id the tool gave it. \
        Answer in the user's language, in plain words, once you have what you need.
        """

    /// The system prompt: byte-for-byte the same for every step and run, so prompts only ever grow at the end.
    public var systemPrompt: String {
        var prompt = instructions
        if !tools.isEmpty {
            prompt += "\n\nTools available: " + tools.map(\.spec.name).joined(separator: ", ") + "."
        }
        return prompt
    }
}
