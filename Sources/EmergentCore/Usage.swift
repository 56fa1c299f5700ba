/// Token counts and timings for one model call.
public struct Usage: Sendable, Hashable, Codable {
    /// Tokens in the prompt.
    public var promptTokens: Int
    /// Prompt tokens whose state was reused from the session's cache (not evaluated again).
    public var reusedPromptTokens: Int
    /// Tokens generated.
    public var completionTokens: Int
    /// Seconds spent evaluating the prompt tokens that were not reused.
    public var promptSeconds: Double
    /// Seconds from the first generated token to the last, sampling and decoding included.
    public var generationSeconds: Double

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens", reusedPromptTokens = "reused_prompt_tokens"
        case completionTokens = "completion_tokens", promptSeconds = "prompt_seconds"
        case generationSeconds = "generation_seconds"
    }

    public init(
        promptTokens: Int = 0, reusedPromptTokens: Int = 0, completionTokens: Int = 0, promptSeconds: Double = 0,
        generationSeconds: Double = 0
    ) {
        self.promptTokens = promptTokens
        self.reusedPromptTokens = reusedPromptTokens
        self.completionTokens = completionTokens
        self.promptSeconds = promptSeconds
        self.generationSeconds = generationSeconds
    }

    /// Several calls' usage together (seconds add up too).
    public static func + (lhs: Usage, rhs: Usage) -> Usage {
        Usage(
            promptTokens: lhs.promptTokens + rhs.promptTokens,
            reusedPromptTokens: lhs.reusedPromptTokens + rhs.reusedPromptTokens,
            completionTokens: lhs.completionTokens + rhs.completionTokens,
            promptSeconds: lhs.promptSeconds + rhs.promptSeconds,
            generationSeconds: lhs.generationSeconds + rhs.generationSeconds)
    }

    /// Prompt tokens that were evaluated in this call.
    public var evaluatedPromptTokens: Int { promptTokens - reusedPromptTokens }
    /// Total tokens, prompt and completion.
    public var totalTokens: Int { promptTokens + completionTokens }
    /// Prompt-processing speed over the evaluated tokens, or 0 when nothing was evaluated.
    public var promptTokensPerSecond: Double {
        promptSeconds > 0 ? Double(evaluatedPromptTokens) / promptSeconds : 0
    }
    /// Generation speed, or 0 when nothing was generated.
    public var generationTokensPerSecond: Double {
        generationSeconds > 0 ? Double(completionTokens) / generationSeconds : 0
    }
}
