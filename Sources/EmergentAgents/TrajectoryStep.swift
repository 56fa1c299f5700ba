import EmergentCore
import EmergentTools

/// One step of a run: a model call or a tool call, with its timing and token counts.
public struct TrajectoryStep: Sendable, Hashable, Codable {
    /// What kind of step this is.
    public enum Kind: String, Sendable, Hashable, Codable {
        case model, tool
    }

    /// Step number within the run, from 0, in the order steps started.
    public var index: Int
    public var kind: Kind
    /// The tool round this step belongs to (model call and the tool calls it made share one).
    public var round: Int
    /// Seconds from the run's start to this step's start.
    public var startSeconds: Double
    public var durationSeconds: Double

    // Model steps.
    /// The model's visible text.
    public var text: String?
    public var reasoning: String?
    public var toolCalls: [ToolCall]?
    public var finishReason: String?
    public var usage: Usage?
    /// Seconds to the first streamed piece of the model's reply.
    public var firstTokenSeconds: Double?
    /// Tool-call text the model produced that could not be parsed, and why.
    public var malformed: [String]?

    // Tool steps.
    public var callID: String?
    public var tool: String?
    public var arguments: JSONValue?
    public var output: ToolOutput?

    enum CodingKeys: String, CodingKey {
        case index, kind, round, startSeconds = "start_seconds", durationSeconds = "duration_seconds", text, reasoning
        case toolCalls = "tool_calls", finishReason = "finish_reason", usage, firstTokenSeconds = "first_token_seconds"
        case malformed, callID = "call_id", tool, arguments, output
    }

    public init(index: Int, kind: Kind, round: Int, startSeconds: Double, durationSeconds: Double) {
        self.index = index
        self.kind = kind
        self.round = round
        self.startSeconds = startSeconds
        self.durationSeconds = durationSeconds
    }
}
