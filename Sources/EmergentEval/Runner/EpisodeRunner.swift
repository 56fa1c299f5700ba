import EmergentCore
import EmergentEngine
import EmergentModels
import Foundation

/// Runs one episode of one task with one agent, following AgentBench's loop: the opening, then at most
/// `roundLimit` turns of model reply → environment step, ending on the environment's finish, the turn limit
/// (`task_limit`), a prompt that no longer fits the model's context (`context_limit`), or a failure of the
/// environment (`task_error`) or the backend (`agent_error`). The episode is always graded and closed.
/// Cancellation (an interrupted run) ends the episode without a record, so a resumed run does it again.
public struct EpisodeRunner: Sendable {
    public let environment: any Environment
    public let mode: ActionMode

    public init(environment: any Environment, mode: ActionMode) {
        self.environment = environment
        self.mode = mode
    }

    /// The episode's trajectory, or `nil` if the run was cancelled before it ended.
    public func run(_ task: EvalTask, attempt: Int, agent: EvalAgent) async -> EvalTrajectory? {
        let clock = ContinuousClock()
        let began = clock.now
        var record = EvalTrajectory(
            task: task, attempt: attempt, mode: mode, agent: agent.label, openingCount: 0, messages: [], tools: [],
            turns: [], finish: .taskError, reward: 0, details: .object([:]), error: nil,
            startedAt: Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)),
            milliseconds: 0)
        let episode: any Episode
        do {
            episode = try await environment.makeEpisode(for: task, mode: mode)
        } catch {
            if Task.isCancelled { return nil }
            record.error = "The environment could not start this task: \(error)"
            record.milliseconds = Self.milliseconds(clock.now - began)
            return record
        }
        let ended = await play(episode, agent: agent, into: &record)
        if Task.isCancelled {
            await episode.close()
            return nil
        }
        if ended {
            do {
                let grade = try await episode.grade()
                record.reward = grade.reward
                record.details = grade.details
            } catch {
                record.finish = .taskError
                record.reward = 0
                record.error = (record.error.map { $0 + "; " } ?? "") + "grading failed: \(error)"
            }
        }
        await episode.close()
        record.milliseconds = Self.milliseconds(clock.now - began)
        return record
    }

    /// Plays the turns; false when the episode could not even start (the record then says why).
    private func play(_ episode: any Episode, agent: EvalAgent, into record: inout EvalTrajectory) async -> Bool {
        let opening: EpisodeOpening
        do {
            opening = try await episode.start()
        } catch {
            record.error = "The environment could not start this task: \(error)"
            return false
        }
        var messages: [ChatMessage] = agent.systemPrompt.map { [.system($0)] } ?? []
        messages += opening.messages
        record.openingCount = messages.count
        record.tools = opening.tools
        record.messages = messages
        for round in 0..<environment.roundLimit {
            if Task.isCancelled { return false }
            let request = ChatRequest(
                messages: record.messages, tools: mode == .functions ? opening.tools : [],
                toolChoice: mode == .functions ? .auto : .none, parallelToolCalls: false,
                sampling: agent.sampling, maxTokens: agent.maxReplyTokens)
            let reply: ModelReply
            do {
                reply = try await ModelReply.collect(from: agent.model, request)
            } catch {
                if Task.isCancelled { return false }
                if Self.isContextOverflow(error) {
                    record.finish = .contextLimit
                } else {
                    record.finish = .agentError
                    record.error = "The model failed: \(error)"
                }
                return true
            }
            var turn = EvalTrajectory.Turn(
                index: round, reply: reply.text, reasoning: reply.reasoning, calls: reply.calls,
                promptTokens: reply.usage.promptTokens, completionTokens: reply.usage.completionTokens,
                milliseconds: reply.milliseconds)
            if reply.finish == .contextFull {
                record.messages.append(.assistant(reply.text))
                record.turns.append(turn)
                record.finish = .contextLimit
                return true
            }
            let outcome: StepOutcome?
            do {
                outcome = try await act(on: episode, reply: reply, turn: &turn, messages: &record.messages)
            } catch {
                if Task.isCancelled { return false }
                record.turns.append(turn)
                record.finish = .taskError
                record.error = "The environment failed on this action: \(error)"
                return true
            }
            record.turns.append(turn)
            if let outcome, outcome.done {
                record.finish = outcome.finish ?? .completed
                return true
            }
        }
        record.finish = .taskLimit
        return true
    }

    /// Hands the reply to the environment: the whole text in text mode (or when no function was called), else
    /// each call in order until one ends the episode. Appends the reply and the observations to the conversation.
    private func act(on episode: any Episode, reply: ModelReply, turn: inout EvalTrajectory.Turn,
                     messages: inout [ChatMessage]) async throws -> StepOutcome? {
        guard mode == .functions, !reply.calls.isEmpty else {
            messages.append(ChatMessage(role: .assistant, content: reply.text, reasoningContent: reply.reasoning))
            let outcome = try await episode.step(.text(reply.text))
            turn.observations.append(outcome.observation)
            if !outcome.done { messages.append(.user(outcome.observation)) }
            return outcome
        }
        messages.append(ChatMessage(role: .assistant, content: reply.text, reasoningContent: reply.reasoning,
                                    toolCalls: reply.calls))
        var last: StepOutcome?
        for call in reply.calls {
            let outcome = try await episode.step(.call(call))
            turn.observations.append(outcome.observation)
            messages.append(.tool(outcome.observation, callID: call.id, name: call.name))
            last = outcome
            if outcome.done { break }
        }
        return last
    }

    /// Whether a backend error means the prompt no longer fits the model's context.
    static func isContextOverflow(_ error: any Error) -> Bool {
        if let engine = error as? EngineError, case .promptTooLong = engine { return true }
        let text = String(describing: error).lowercased()
        return text.contains("context length") || text.contains("context window")
            || text.contains("maximum context") || text.contains("prompt is too long")
            || text.contains("context_length_exceeded")
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}

/// One model reply gathered from its stream: text, separate reasoning, assembled function calls, finish and usage.
struct ModelReply: Sendable {
    var text = ""
    var reasoning: String?
    var calls: [ToolCall] = []
    var finish: FinishReason = .endOfGeneration
    var usage = Usage()
    var milliseconds = 0

    static func collect(from model: any LanguageModel, _ request: ChatRequest) async throws -> ModelReply {
        let clock = ContinuousClock()
        let began = clock.now
        var reply = ModelReply()
        var reasoning = ""
        var starts: [Int: (id: String, name: String)] = [:]
        var arguments: [Int: String] = [:]
        for try await event in model.stream(request) {
            switch event {
            case .content(let piece): reply.text += piece
            case .reasoning(let piece): reasoning += piece
            case .toolCallStart(let index, let id, let name): starts[index] = (id, name)
            case .toolCallArguments(let index, let fragment): arguments[index, default: ""] += fragment
            case .malformed, .logprobs: break
            case .finished(let finish, let usage):
                reply.finish = finish
                reply.usage = usage
            }
        }
        try Task.checkCancellation()
        reply.reasoning = reasoning.isEmpty ? nil : reasoning
        reply.calls = starts.keys.sorted().compactMap { index in
            guard let start = starts[index] else { return nil }
            let raw = arguments[index] ?? ""
            let parsed = (try? JSONValue(parsing: raw.isEmpty ? "{}" : raw)) ?? .string(raw)
            return ToolCall(id: start.id, name: start.name, arguments: parsed)
        }
        reply.milliseconds = EpisodeRunner.milliseconds(clock.now - began)
        return reply
    }
}
