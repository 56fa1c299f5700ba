import EmergentCore
import EmergentModels

/// What acts in an evaluation: a backend (the embedded engine, a remote server, or a scripted model), an optional
/// system prompt (an agent file's instructions), sampling, and the most tokens one reply may have.
public struct EvalAgent: Sendable {
    /// How runs and reports name this agent ("gemma-3-270m", "Qwen/Qwen3-8B @ http://…", "oracle").
    public var label: String
    public var model: any LanguageModel
    public var systemPrompt: String?
    public var sampling: SamplingParameters
    public var maxReplyTokens: Int

    public init(label: String, model: any LanguageModel, systemPrompt: String? = nil,
                sampling: SamplingParameters = .greedy, maxReplyTokens: Int = 512) {
        self.label = label
        self.model = model
        self.systemPrompt = systemPrompt
        self.sampling = sampling
        self.maxReplyTokens = maxReplyTokens
    }
}

/// Gives the agent for each episode. A real backend is shared by every episode; tests give each task its own
/// scripted model. Attempts of one task (`--repeat`) may differ, for example in their sampling seed.
public protocol EvalAgentProvider: Sendable {
    func agent(for task: EvalTask, attempt: Int) async throws -> EvalAgent
}

/// One agent for every episode; with sampling that has a seed, attempt `k` uses seed + k so that repeated
/// attempts differ and a rerun reproduces them.
public struct SharedEvalAgent: EvalAgentProvider {
    public var agent: EvalAgent

    public init(_ agent: EvalAgent) { self.agent = agent }

    public func agent(for task: EvalTask, attempt: Int) async throws -> EvalAgent {
        var copy = agent
        if let seed = copy.sampling.seed { copy.sampling.seed = seed &+ UInt32(truncatingIfNeeded: attempt) }
        return copy
    }
}
