/// One `data:` payload of a streamed chat completion. Every field is optional: servers differ in what they send.
struct ChatCompletionChunk: Decodable {
    var choices: [Choice]?
    var usage: UsageValue?
    /// llama-server's own timings, sent with the last chunk.
    var timings: Timings?
    /// Some servers report a failure inside the stream as a chunk with an `error` member.
    var error: UpstreamErrorMessage?

    struct Choice: Decodable {
        var index: Int?
        var delta: Delta?
        var finishReason: String?
        var logprobs: Logprobs?

        enum CodingKeys: String, CodingKey {
            case index, delta, logprobs
            case finishReason = "finish_reason"
        }
    }

    struct Delta: Decodable {
        var content: String?
        var reasoningContent: String?
        var reasoning: String?
        var toolCalls: [ToolCallDelta]?

        enum CodingKeys: String, CodingKey {
            case content, reasoning
            case reasoningContent = "reasoning_content"
            case toolCalls = "tool_calls"
        }
    }

    struct ToolCallDelta: Decodable {
        struct Function: Decodable {
            var name: String?
            var arguments: String?
        }

        var index: Int?
        var id: String?
        var function: Function?
    }

    struct Logprobs: Decodable {
        var content: [TokenLogprob]?
    }

    struct TokenLogprob: Decodable {
        var token: String
        /// Null or missing for a token the server deems impossible.
        var logprob: Double?
        var bytes: [UInt8]?
        var topLogprobs: [TokenLogprob]?

        enum CodingKeys: String, CodingKey {
            case token, logprob, bytes
            case topLogprobs = "top_logprobs"
        }
    }

    struct UsageValue: Decodable {
        struct PromptDetails: Decodable {
            var cachedTokens: Int?

            enum CodingKeys: String, CodingKey { case cachedTokens = "cached_tokens" }
        }

        var promptTokens: Int?
        var completionTokens: Int?
        var promptTokensDetails: PromptDetails?

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
            case promptTokensDetails = "prompt_tokens_details"
        }
    }

    struct Timings: Decodable {
        var cacheN: Int?
        var promptMs: Double?
        var predictedMs: Double?

        enum CodingKeys: String, CodingKey {
            case cacheN = "cache_n"
            case promptMs = "prompt_ms"
            case predictedMs = "predicted_ms"
        }
    }
}
