import EmergentAgents
import EmergentCore
import EmergentStore
import EmergentTools
import Foundation
import Logging

/// Saves one run as it happens and tells its listeners: each finished step (with the messages it added) in one
/// transaction, tool artifacts as files, then the outcome. A store failure is logged and the run goes on; the final
/// event says what was not saved.
actor RunRecorder {
    private let runID: String
    private let agentID: String
    private let version: Int?
    private let conversationID: String
    /// Messages the conversation had before this run's input (the trajectory's messages start with the system prompt,
    /// then these, then the input).
    private let priorMessages: Int
    private let store: any PlatformStore
    private let broadcast: RunBroadcast
    private let logger: Logger

    private var storedMessages = 0
    /// Artifacts saved as files, by their path in the work folder.
    private var artifacts: [String: StoredArtifact] = [:]
    private var artifactOrder: [String] = []
    private var finished = false
    private var saveFailure: String?
    private let started = ContinuousClock.now

    init(
        runID: String, agentID: String, version: Int?, conversationID: String, priorMessages: Int,
        store: any PlatformStore, broadcast: RunBroadcast, logger: Logger
    ) {
        self.runID = runID
        self.agentID = agentID
        self.version = version
        self.conversationID = conversationID
        self.priorMessages = priorMessages
        self.store = store
        self.broadcast = broadcast
        self.logger = logger
    }

    func record(_ event: AgentEvent, cancelled: Bool) async {
        switch event {
        case .runStarted(let start):
            await broadcast.publish(RunEvent(
                name: "run.started",
                data: [
                    "run_id": .string(runID), "conversation_id": .string(conversationID), "agent_id": .string(agentID),
                    "agent": .string(start.agent), "version": version.map(JSONValue.int) ?? .null,
                    "started_at": .string(start.startedAt.formatted(.iso8601)),
                    "tools": .array(start.tools.map(JSONValue.string)),
                ]))
        case .modelDelta(let step, let text, let reasoning):
            await broadcast.publish(RunEvent(
                name: "model.delta", data: ["step": .int(step), "text": .string(text), "reasoning": .string(reasoning)]))
        case .messageDelta(let step, let text):
            await broadcast.publish(RunEvent(name: "message.delta", data: ["step": .int(step), "text": .string(text)]))
        case .toolCall(let step, let call):
            await broadcast.publish(.call(step: step, call))
        case .toolOutput(let step, let callID, let name, let output, let seconds):
            let saved = await save(output.artifacts)
            await broadcast.publish(.toolOutput(
                step: step, callID: callID, name: name, output: output, seconds: seconds, artifacts: saved))
        case .stepCompleted(var step, let messages):
            if var output = step.output {
                output.artifacts = output.artifacts.map { artifact in
                    guard let stored = artifacts[artifact.path] else { return artifact }
                    return Artifact(
                        name: artifact.name, path: PlatformJSON.contentURL(stored.fileID), mimeType: artifact.mimeType,
                        byteCount: artifact.byteCount)
                }
                step.output = output
            }
            do {
                try await store.appendStep(step, messages: messages, runID: runID)
                storedMessages += messages.count
            } catch {
                failedToSave("step \(step.index)", error)
            }
            await broadcast.publish(RunEvent(
                name: "step.completed", data: ["step": (try? JSONValue(encoding: step)) ?? .null]))
        case .runCompleted(let trajectory):
            // A stop that came too late to matter: the answer is there.
            await finish(trajectory, status: .completed)
        case .runFailed(let trajectory):
            await finish(trajectory, status: cancelled ? .cancelled : .failed)
        }
    }

    /// Records an ending when the run's events stopped without one (it should not happen; nothing is left running).
    func finishIfNeeded(cancelled: Bool) async {
        guard !finished else { return }
        let outcome = RunOutcome(
            runID: runID, status: cancelled ? .cancelled : .failed, answer: nil,
            error: "The run ended without reporting an outcome.", usage: Usage(), limitHit: nil, citations: [],
            artifacts: orderedArtifacts, durationSeconds: elapsed)
        await finish(outcome, messages: [.assistant("(This run stopped before it answered.)")])
    }

    private func finish(_ trajectory: Trajectory, status: RunStatus) async {
        // Messages the steps did not carry (an answer written at a limit without a new step).
        let firstNew = 1 + priorMessages + 1
        var remaining = Array(trajectory.messages.dropFirst(firstNew + storedMessages))
        var error = trajectory.error
        if status == .cancelled { error = "The run was stopped on request." }
        if status != .completed {
            // Keeps turns alternating for the next run, and tells the model what happened.
            remaining.append(.assistant(
                status == .cancelled ? "(The user stopped this run before it answered.)"
                    : "(This run failed before it answered: \(error ?? "unknown error"))"))
        }
        if let saveFailure { error = (error.map { $0 + " " } ?? "") + saveFailure }
        let outcome = RunOutcome(
            runID: runID, status: status, answer: status == .completed ? trajectory.answer : nil, error: error,
            usage: trajectory.usage, limitHit: trajectory.limitHit, citations: trajectory.citations,
            artifacts: orderedArtifacts, durationSeconds: trajectory.durationSeconds)
        await finish(outcome, messages: remaining)
    }

    private func finish(_ outcome: RunOutcome, messages: [ChatMessage]) async {
        finished = true
        do {
            try await store.finishRun(outcome, messages: messages)
        } catch {
            failedToSave("the run's outcome", error)
        }
        let run = StoredRun(
            id: runID, agentID: agentID, agentVersion: version, conversationID: conversationID, status: outcome.status,
            input: "", answer: outcome.answer, error: outcome.error, usage: outcome.usage, limitHit: outcome.limitHit,
            citations: outcome.citations, artifacts: outcome.artifacts, createdAt: Date(), finishedAt: Date(),
            durationSeconds: outcome.durationSeconds)
        finalEvent = RunEvent(
            name: outcome.status == .completed ? "run.completed" : "run.failed", data: PlatformJSON.runResult(run))
    }

    /// `run.completed` or `run.failed`, once the outcome is saved; the coordinator publishes it after releasing the
    /// run, so a client that acts on it (the next message) finds the conversation free.
    private(set) var finalEvent: RunEvent?

    /// Saves new artifacts as files (once each, by path) and returns this output's.
    private func save(_ produced: [Artifact]) async -> [StoredArtifact] {
        var saved: [StoredArtifact] = []
        for artifact in produced {
            if let known = artifacts[artifact.path] {
                saved.append(known)
                continue
            }
            do {
                let file = try await store.saveFile(
                    copying: URL(fileURLWithPath: artifact.path), filename: artifact.name,
                    contentType: artifact.mimeType, purpose: "artifact")
                let stored = StoredArtifact(
                    fileID: file.id, name: artifact.name, mimeType: artifact.mimeType, bytes: file.bytes)
                artifacts[artifact.path] = stored
                artifactOrder.append(artifact.path)
                saved.append(stored)
            } catch {
                failedToSave("the artifact '\(artifact.name)'", error)
            }
        }
        return saved
    }

    private var orderedArtifacts: [StoredArtifact] { artifactOrder.compactMap { artifacts[$0] } }

    private var elapsed: Double {
        let duration = ContinuousClock.now - started
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private func failedToSave(_ what: String, _ error: any Error) {
        logger.error("could not save a run's data", metadata: ["run": "\(runID)", "what": "\(what)", "error": "\(error)"])
        saveFailure = "Some of this run could not be saved (\(what): \(error))."
    }
}
