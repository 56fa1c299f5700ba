import EmergentCore
import EmergentTools

extension AgentConfiguration {
    /// The configuration an agent file describes, with its tools already built (see ``AgentToolkit``).
    public init(definition: AgentDefinition, tools: [any Tool]) {
        self.init(
            name: definition.name, instructions: definition.instructions ?? AgentConfiguration.defaultInstructions,
            tools: tools, limits: definition.limits ?? AgentLimits(),
            sampling: definition.sampling?.parameters ?? .greedy,
            maxTokensPerCall: definition.sampling?.maxTokens ?? 1024)
    }
}
