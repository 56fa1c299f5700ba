import EmergentCore
import EmergentTools
import Foundation

/// One thing that happened during a run, in order. The server sends these as SSE events named by ``name``; the
/// CLI renders them live.
public enum AgentEvent: Sendable {
    /// The run began.
    case runStarted(RunStart)
    /// Text or reasoning from the model, as it streams, in any step.
    case modelDelta(step: Int, text: String, reasoning: String)
    /// The model asked for a tool.
    case toolCall(step: Int, call: ToolCall)
    /// A tool finished (or failed, or timed out): the observation the model will read.
    case toolOutput(step: Int, callID: String, name: String, output: ToolOutput, durationSeconds: Double)
    /// Visible answer text, as it streams.
    case messageDelta(step: Int, text: String)
    /// A step finished: its record, and the messages it added to the conversation (after the user's input). What a
    /// caller saves at this boundary is what a crash cannot lose.
    case stepCompleted(TrajectoryStep, messages: [ChatMessage])
    /// The run ended with an answer (possibly at a limit); carries the full trajectory.
    case runCompleted(Trajectory)
    /// The run could not go on (the model failed); carries the trajectory so far, whose `error` says why.
    case runFailed(Trajectory)

    /// The event's wire name: `run.started`, `model.delta`, `tool.call`, `tool.output`, `message.delta`,
    /// `step.completed`, `run.completed`, `run.failed`.
    public var name: String {
        switch self {
        case .runStarted: "run.started"
        case .modelDelta: "model.delta"
        case .toolCall: "tool.call"
        case .toolOutput: "tool.output"
        case .messageDelta: "message.delta"
        case .stepCompleted: "step.completed"
        case .runCompleted: "run.completed"
        case .runFailed: "run.failed"
        }
    }
}

/// What `run.started` reports.
public struct RunStart: Sendable, Hashable, Codable {
    public var runID: String
    public var conversationID: String
    public var agent: String
    public var startedAt: Date
    public var tools: [String]

    enum CodingKeys: String, CodingKey {
        case runID = "run_id", conversationID = "conversation_id", agent, startedAt = "started_at", tools
    }
}
