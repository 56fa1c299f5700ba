import EmergentCore
import EmergentEngine

/// Whether and how the model may call tools.
public enum ToolChoice: Sendable, Hashable {
    /// Never call a tool (tools are not shown to the model).
    case none
    /// The model decides; a call, once started, is held to the tools' schemas.
    case auto
    /// The reply must be one or more tool calls.
    case required
    /// The reply must be a call to this function.
    case function(String)
}

/// The shape the reply's text must have.
public enum ResponseFormat: Sendable, Hashable {
    case text
    /// Any JSON object.
    case jsonObject
    /// JSON matching the schema; `strict` refuses schemas with keywords the grammar cannot enforce.
    case jsonSchema(JSONValue, strict: Bool)
}

/// One chat call: the conversation, the tools on offer and how to sample.
public struct ChatRequest: Sendable {
    public var messages: [ChatMessage]
    public var tools: [ToolSpec]
    public var toolChoice: ToolChoice
    public var parallelToolCalls: Bool
    public var responseFormat: ResponseFormat
    public var sampling: SamplingParameters
    public var maxTokens: Int
    public var stop: [String]
    public var logprobs: Int?

    /// A `maxTokens` that means "until the model stops or the context is full" (OpenAI's default when
    /// `max_tokens` is absent).
    public static let untilContextEnds = Int(Int32.max)

    public init(
        messages: [ChatMessage], tools: [ToolSpec] = [], toolChoice: ToolChoice = .auto, parallelToolCalls: Bool = true,
        responseFormat: ResponseFormat = .text, sampling: SamplingParameters = .greedy, maxTokens: Int = 512,
        stop: [String] = [], logprobs: Int? = nil
    ) {
        self.messages = messages
        self.tools = tools
        self.toolChoice = toolChoice
        self.parallelToolCalls = parallelToolCalls
        self.responseFormat = responseFormat
        self.sampling = sampling
        self.maxTokens = maxTokens
        self.stop = stop
        self.logprobs = logprobs
    }
}

/// What a language model streams for one chat call.
public enum ModelEvent: Sendable, Equatable {
    case content(String)
    case reasoning(String)
    case toolCallStart(index: Int, id: String, name: String)
    case toolCallArguments(index: Int, fragment: String)
    /// Tool-call-like text that could not be parsed; it is also part of the content.
    case malformed(text: String, reason: String)
    /// Log-probabilities of generated tokens (only when the request asked for them), in output order.
    case logprobs([OutputLogprob])
    case finished(FinishReason, Usage)

    init(_ event: OutputEvent) {
        switch event {
        case .content(let text): self = .content(text)
        case .reasoning(let text): self = .reasoning(text)
        case .toolCallStart(let index, let id, let name): self = .toolCallStart(index: index, id: id, name: name)
        case .toolCallArguments(let index, let fragment): self = .toolCallArguments(index: index, fragment: fragment)
        case .malformed(let text, let reason): self = .malformed(text: text, reason: reason)
        }
    }
}

/// A generated token's log-probability as the OpenAI API reports it: its text, its bytes, and the most likely
/// alternatives at its position.
public struct OutputLogprob: Sendable, Hashable {
    /// One alternative token at a position.
    public struct Alternative: Sendable, Hashable {
        public var token: String
        public var bytes: [UInt8]
        public var logprob: Double

        public init(token: String, bytes: [UInt8], logprob: Double) {
            self.token = token
            self.bytes = bytes
            self.logprob = logprob
        }
    }

    public var token: String
    public var bytes: [UInt8]
    public var logprob: Double
    /// The most likely tokens at this position, most likely first.
    public var top: [Alternative]

    public init(token: String, bytes: [UInt8], logprob: Double, top: [Alternative]) {
        self.token = token
        self.bytes = bytes
        self.logprob = logprob
        self.top = top
    }
}

/// Anything that answers chat calls: the embedded engine, a remote server, or a scripted model in tests.
public protocol LanguageModel: Sendable {
    /// Streams the reply to `request`; cancelling the consumer stops the work.
    func stream(_ request: ChatRequest) -> AsyncThrowingStream<ModelEvent, any Error>
}
