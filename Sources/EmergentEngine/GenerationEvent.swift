import EmergentCore

/// One alternative token with its log-probability.
public struct TokenAlternative: Sendable, Hashable, Codable {
    public var token: Token
    public var logprob: Double
}

/// A token's log-probability under the model (before sampling adjustments), with the top alternatives.
public struct TokenLogprob: Sendable, Hashable, Codable {
    public var token: Token
    public var logprob: Double
    /// The most likely tokens at this position, most likely first.
    public var top: [TokenAlternative]
}

/// A token the model generated.
public struct GeneratedToken: Sendable, Hashable {
    public var id: Token
    /// The token's raw bytes (may be part of a multi-byte character).
    public var bytes: [UInt8]
    /// Present when the request asked for log-probabilities.
    public var logprob: TokenLogprob?
}

/// How the prompt was processed: reused from the cache versus evaluated.
public struct PromptStats: Sendable, Hashable, Codable {
    public var promptTokens: Int
    public var reusedTokens: Int
    public var evaluatedTokens: Int
    public var seconds: Double
}

/// The end of a generation.
public struct GenerationSummary: Sendable, Hashable {
    public var finishReason: FinishReason
    public var usage: Usage

    public init(finishReason: FinishReason, usage: Usage) {
        self.finishReason = finishReason
        self.usage = usage
    }
}

/// What a streamed generation reports, in order: `prompt` once, then `token` and `text` as they come, then
/// `finished` once.
public enum GenerationEvent: Sendable, Hashable {
    /// The prompt has been processed.
    case prompt(PromptStats)
    /// Log-probabilities of the prompt's tokens after the first (only when `promptLogprobs` was asked for).
    case promptLogprobs([TokenLogprob])
    /// A token was sampled (its text arrives through `text` once it is complete and not part of a stop string).
    case token(GeneratedToken)
    /// New output text: always whole UTF-8 characters, never part of a stop string.
    case text(String)
    /// Generation ended.
    case finished(GenerationSummary)
}

/// A finished generation, collected.
public struct Completion: Sendable, Hashable {
    public var text: String
    public var tokens: [Token]
    /// Per-token log-probabilities, when asked for.
    public var logprobs: [TokenLogprob]
    public var prompt: PromptStats
    public var finishReason: FinishReason
    public var usage: Usage
}
