/// How the next token is chosen from the model's distribution.
///
/// The defaults give greedy decoding (temperature 0), which is deterministic. Penalties apply to the
/// tokens generated in this request, as OpenAI's `presence_penalty` and `frequency_penalty` do.
public struct SamplingParameters: Sendable, Hashable, Codable {
    /// 0 picks the most likely token (greedy); higher values flatten the distribution.
    public var temperature: Double
    /// Keep only the `topK` most likely tokens; 0 disables the cut.
    public var topK: Int
    /// Keep the smallest set of tokens whose probability adds up to `topP`; 1 disables the cut.
    public var topP: Double
    /// Drop tokens less likely than `minP` times the most likely one; 0 disables the cut.
    public var minP: Double
    /// Divide the logits of recently generated tokens by this factor; 1 disables it.
    public var repeatPenalty: Double
    /// How many recent tokens the penalties look at.
    public var penaltyWindow: Int
    /// Subtracted once from the logit of every token that already appeared.
    public var presencePenalty: Double
    /// Subtracted from a token's logit for every time it already appeared.
    public var frequencyPenalty: Double
    /// Seed for the random choice; `nil` picks a fresh random seed.
    public var seed: UInt32?

    public init(
        temperature: Double = 0, topK: Int = 0, topP: Double = 1, minP: Double = 0, repeatPenalty: Double = 1,
        penaltyWindow: Int = 64, presencePenalty: Double = 0, frequencyPenalty: Double = 0, seed: UInt32? = nil
    ) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.repeatPenalty = repeatPenalty
        self.penaltyWindow = penaltyWindow
        self.presencePenalty = presencePenalty
        self.frequencyPenalty = frequencyPenalty
        self.seed = seed
    }

    /// Greedy decoding: always the most likely token.
    public static let greedy = SamplingParameters()

    /// True when no randomness and no penalty is involved, so the choice is a plain arg-max.
    public var isPlainGreedy: Bool {
        temperature <= 0 && repeatPenalty == 1 && presencePenalty == 0 && frequencyPenalty == 0
    }
}
