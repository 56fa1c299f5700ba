import EmergentCore
import EmergentModels
import EmergentTools
import Foundation
import Logging

/// An agent: a model, instructions, tools and limits. ``run(_:in:)`` executes one user turn — the model plans,
/// calls tools over several rounds, reads their observations, and answers — as a stream of ``AgentEvent``s.
public struct Agent: Sendable {
    public let configuration: AgentConfiguration
    public let model: any LanguageModel
    let logger: Logger

    public init(configuration: AgentConfiguration, model: any LanguageModel, logger: Logger) {
        self.configuration = configuration
        self.model = model
        self.logger = logger
    }

    /// Runs one turn of `conversation` with the user's `input`. The stream ends after `run.completed` or
    /// `run.failed`; dropping it cancels the run. `runID` names the run (a fresh `run_…` id when `nil`).
    public func run(_ input: String, in conversation: Conversation, runID: String? = nil) -> AsyncStream<AgentEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: AgentEvent.self)
        let (configuration, model, logger) = (configuration, model, logger)
        let task = Task {
            let loop = AgentRunLoop(
                configuration: configuration, model: model, conversation: conversation, input: input,
                runID: runID, emit: { continuation.yield($0) }, logger: logger)
            await loop.run()
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Runs one turn in the caller's task, handing each event to `emit` as it happens. Cancelling the calling task
    /// stops the run, which still ends with `run.failed` (so a caller always gets the trajectory).
    public func execute(
        _ input: String, in conversation: Conversation, runID: String? = nil,
        emit: @escaping @Sendable (AgentEvent) -> Void
    ) async {
        let loop = AgentRunLoop(
            configuration: configuration, model: model, conversation: conversation, input: input, runID: runID,
            emit: emit, logger: logger)
        await loop.run()
    }

    /// Runs a turn to the end and returns its trajectory (completed or failed).
    public func complete(_ input: String, in conversation: Conversation) async -> Trajectory? {
        var last: Trajectory?
        for await event in run(input, in: conversation) {
            switch event {
            case .runCompleted(let trajectory), .runFailed(let trajectory): last = trajectory
            default: break
            }
        }
        return last
    }
}
