/// Why a generation ended.
public enum FinishReason: Sendable, Hashable, Codable {
    /// The model produced an end-of-generation token (end of sequence or end of turn).
    case endOfGeneration
    /// The output contained this stop string; the stop string itself was not emitted.
    case stopSequence(String)
    /// The request's token limit was reached.
    case maxTokens
    /// The context window filled up before the model finished.
    case contextFull
    /// The consumer cancelled the generation.
    case cancelled
    /// The reply ended with one or more tool calls.
    case toolCalls

    /// The OpenAI `finish_reason` for this value.
    public var openAIName: String {
        switch self {
        case .endOfGeneration, .stopSequence: "stop"
        case .maxTokens, .contextFull: "length"
        case .cancelled: "cancelled"
        case .toolCalls: "tool_calls"
        }
    }
}
