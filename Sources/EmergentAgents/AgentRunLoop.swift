import EmergentCore
import EmergentModels
import EmergentTools
import Foundation
import Logging

/// One run's state and its plan → tools → observations → answer loop. Owned by the run's task alone.
final class AgentRunLoop {
    private let configuration: AgentConfiguration
    private let model: any LanguageModel
    private let conversation: Conversation
    private let input: String
    private let emit: @Sendable (AgentEvent) -> Void
    private let logger: Logger

    private let runID: String
    private let startedAt = Trajectory.now()
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private let toolsByName: [String: any Tool]
    private let specs: [ToolSpec]

    /// The whole prompt: system message, earlier turns, and this run's messages. Only ever appended to.
    private var messages: [ChatMessage] = []
    private var firstNewMessage = 0
    private var steps: [TrajectoryStep] = []
    /// Steps and messages already reported by `step.completed` (the caller saved them).
    private var committedSteps = 0
    private var committedMessages = 0
    private var usage = Usage()
    private var artifacts: [Artifact] = []
    private var quotes: [String: String] = [:]
    private var modelSeconds = 0.0
    private var toolSeconds = 0.0

    init(
        configuration: AgentConfiguration, model: any LanguageModel, conversation: Conversation, input: String,
        runID: String? = nil, emit: @escaping @Sendable (AgentEvent) -> Void, logger: Logger
    ) {
        self.runID = runID ?? Self.newRunID()
        self.configuration = configuration
        self.model = model
        self.conversation = conversation
        self.input = input
        self.emit = emit
        self.logger = logger
        self.start = clock.now
        var byName: [String: any Tool] = [:]
        for tool in configuration.tools where byName[tool.spec.name] == nil { byName[tool.spec.name] = tool }
        self.toolsByName = byName
        self.specs = configuration.tools.map(\.spec)
    }

    private var elapsed: Double { seconds(clock.now - start) }
    private var limits: AgentLimits { configuration.limits }

    func run() async {
        messages = [.system(configuration.systemPrompt)] + (await conversation.messages)
        firstNewMessage = messages.count
        messages.append(.user(input))
        // The input is the caller's to keep; `step.completed` reports what the run adds after it.
        committedMessages = messages.count
        emit(.runStarted(RunStart(
            runID: runID, conversationID: conversation.id, agent: configuration.name, startedAt: startedAt,
            tools: specs.map(\.name))))

        var round = 0
        while true {
            if Task.isCancelled { return await fail("The run was cancelled before it finished.") }
            if let limit = exhaustedLimit() {
                return await finish(answer: "", limit: limit)
            }
            let atRoundLimit = round >= limits.maxToolRounds
            if atRoundLimit {
                messages.append(.user(
                    "[The limit of \(limits.maxToolRounds) tool rounds is reached. Do not call tools again: answer now "
                        + "with what you have, and say what is still missing.]"))
            }
            let step: ModelStep
            do {
                guard let result = try await callModel(round: round) else {
                    if Task.isCancelled { return await fail("The run was cancelled before it finished.") }
                    return await finish(answer: "", limit: .wallTime)
                }
                step = result
                // A cancelled stream can end early without an error; its partial reply is not an answer.
                if Task.isCancelled { return await fail("The run was cancelled before it finished.") }
            } catch let error as any EmergentError {
                return await fail("The model failed: \(error.message)" + (error.recovery.map { " \($0)" } ?? ""))
            } catch {
                return await fail("The model failed: \(error). Check that the model or backend is reachable, then retry.")
            }
            usage = usage + step.usage

            var calls = step.calls.map { resolve($0) }
            for index in calls.indices where index >= limits.maxParallelCalls {
                calls[index].argumentError = "at most \(limits.maxParallelCalls) tool calls run in one round"
                calls[index].skipped = true
            }
            if atRoundLimit {
                messages.append(.assistant(step.text))
                return await finish(answer: step.text, limit: .toolRounds, appendMessage: false)
            }
            if !calls.isEmpty {
                // Whitespace between parallel calls is separator, not content; kept, it would also make the message
                // render differently from what the model generated, and cost the cache the whole reply.
                let text = step.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? "" : step.text
                messages.append(ChatMessage(
                    role: .assistant, content: text,
                    reasoningContent: step.reasoning.isEmpty ? nil : step.reasoning,
                    toolCalls: calls.map(\.call)))
                flush()
                await runTools(calls, round: round)
                round += 1
                continue
            }
            if !step.malformed.isEmpty {
                messages.append(.assistant(step.text))
                messages.append(.user(
                    "[Your tool call could not be read (\(step.malformed.joined(separator: "; "))). Write it again as "
                        + "a valid call with JSON arguments, or answer without tools.]"))
                flush()
                round += 1
                continue
            }
            if step.finish == .maxTokens, usage.completionTokens >= limits.maxTokens {
                return await finish(answer: step.text, limit: .tokens)
            }
            return await finish(answer: step.text, limit: nil)
        }
    }

    // MARK: - Model

    /// Streams one model call, emitting deltas; `nil` when the run's wall time ran out first.
    private func callModel(round: Int) async throws -> ModelStep? {
        let index = steps.count
        let stepStart = elapsed
        let remainingTokens = max(limits.maxTokens - usage.completionTokens, 1)
        let request = ChatRequest(
            messages: messages, tools: specs, toolChoice: .auto, parallelToolCalls: true,
            sampling: configuration.sampling, maxTokens: min(configuration.maxTokensPerCall, remainingTokens))
        let (model, emit, clock, start) = (model, emit, clock, start)
        let outcome: Result<ModelStep, any Error>? = await withDeadline(seconds: remainingWallSeconds) {
            var step = ModelStep()
            do {
                for try await event in model.stream(request) {
                    if step.firstEventSeconds == nil { step.firstEventSeconds = Self.seconds(clock.now - start) - stepStart }
                    let visible = step.absorb(event)
                    if !visible.text.isEmpty || !visible.reasoning.isEmpty {
                        emit(.modelDelta(step: index, text: visible.text, reasoning: visible.reasoning))
                    }
                    if !visible.text.isEmpty { emit(.messageDelta(step: index, text: visible.text)) }
                }
                return .success(step)
            } catch {
                return .failure(error)
            }
        }
        let duration = elapsed - stepStart
        modelSeconds += duration
        var record = TrajectoryStep(
            index: index, kind: .model, round: round, startSeconds: stepStart, durationSeconds: duration)
        switch outcome {
        case .none:
            record.finishReason = "timeout"
            steps.append(record)
            return nil
        case .failure(let error)?:
            record.finishReason = "error"
            steps.append(record)
            throw error
        case .success(let step)?:
            record.text = step.text
            record.reasoning = step.reasoning.isEmpty ? nil : step.reasoning
            record.toolCalls = step.calls.isEmpty ? nil : step.calls.map { resolve($0).call }
            record.finishReason = step.finish?.openAIName
            record.usage = step.usage
            record.firstTokenSeconds = step.firstEventSeconds
            record.malformed = step.malformed.isEmpty ? nil : step.malformed
            steps.append(record)
            return step
        }
    }

    // MARK: - Tools

    /// A streamed call with its arguments parsed, or the reason they could not be.
    private struct ResolvedCall: Sendable {
        var call: ToolCall
        var argumentError: String?
        /// Over the round's call limit: reported, not run.
        var skipped = false
    }

    private func resolve(_ pending: ModelStep.PendingCall) -> ResolvedCall {
        let id = pending.id.isEmpty ? "call_" + String(pending.index) + "_" + RandomID.hex(8) : pending.id
        let text = pending.argumentText.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return ResolvedCall(call: ToolCall(id: id, name: pending.name, arguments: .object([:]))) }
        do {
            let arguments = try JSONParser.parse(text)
            return ResolvedCall(call: ToolCall(id: id, name: pending.name, arguments: arguments))
        } catch {
            return ResolvedCall(
                call: ToolCall(id: id, name: pending.name, arguments: .string(pending.argumentText)),
                argumentError: "the arguments are not valid JSON (\(error))")
        }
    }

    /// Runs one round's calls concurrently, each with its own timeout, and appends their observations in call order.
    private func runTools(_ calls: [ResolvedCall], round: Int) async {
        let roundStart = elapsed
        let timeout = min(limits.toolTimeoutSeconds, remainingWallSeconds)
        let context = ToolContext(
            conversationID: conversation.id, runID: runID, workDirectory: conversation.workDirectory,
            sources: conversation.sources, timeout: .milliseconds(Int64(timeout * 1000)), logger: logger)
        try? FileManager.default.createDirectory(at: conversation.workDirectory, withIntermediateDirectories: true)
        let firstIndex = steps.count
        for (offset, resolved) in calls.enumerated() {
            emit(.toolCall(step: firstIndex + offset, call: resolved.call))
        }
        let emit = emit
        let results = await withTaskGroup(of: (Int, ToolOutput, Double).self) { group in
            for (offset, resolved) in calls.enumerated() {
                let tool = toolsByName[resolved.call.name]
                let available = specs.map(\.name)
                group.addTask {
                    let begin = ContinuousClock.now
                    let output = await Self.execute(
                        resolved, tool: tool, available: available, context: context, timeout: timeout)
                    let duration = Self.seconds(ContinuousClock.now - begin)
                    emit(.toolOutput(
                        step: firstIndex + offset, callID: resolved.call.id, name: resolved.call.name, output: output,
                        durationSeconds: duration))
                    return (offset, output, duration)
                }
            }
            var collected: [(Int, ToolOutput, Double)] = []
            for await result in group { collected.append(result) }
            return collected.sorted { $0.0 < $1.0 }
        }
        toolSeconds += elapsed - roundStart
        for (offset, output, duration) in results {
            let call = calls[offset].call
            var record = TrajectoryStep(
                index: firstIndex + offset, kind: .tool, round: round, startSeconds: roundStart,
                durationSeconds: duration)
            record.callID = call.id
            record.tool = call.name
            record.arguments = call.arguments
            record.output = output
            steps.append(record)
            artifacts.append(contentsOf: output.artifacts)
            for citation in output.citations where citation.quote != nil { quotes[citation.id] = citation.quote }
            messages.append(.tool(Self.observation(output), callID: call.id, name: call.name))
            flush()
        }
    }

    /// One call, guarded: unknown tools, bad arguments, thrown errors and timeouts all become observations.
    private static func execute(
        _ resolved: ResolvedCall, tool: (any Tool)?, available: [String], context: ToolContext, timeout: Double
    ) async -> ToolOutput {
        let name = resolved.call.name
        guard let tool else {
            return .failure(
                "There is no tool named \"\(name)\". Available tools: \(available.joined(separator: ", ")).")
        }
        if resolved.skipped, let problem = resolved.argumentError {
            return .failure("The call to \(name) was not run: \(problem). Make it again in your next reply if it is "
                + "still needed.")
        }
        if let problem = resolved.argumentError {
            return .failure("The call to \(name) was not run: \(problem). Send the arguments as one JSON object.")
        }
        let problems = JSONSchemaValidator(schema: tool.spec.parameters.jinjaValue)
            .problems(in: resolved.call.arguments.jinjaValue)
        if !problems.isEmpty {
            return .failure(
                "The call to \(name) was not run: its arguments do not match the tool's schema: "
                    + problems.joined(separator: "; ") + ".")
        }
        let arguments = resolved.call.arguments
        let outcome = await withDeadline(seconds: timeout) { () -> ToolOutput in
            do {
                return try await tool.call(arguments, context: context)
            } catch let error as ToolError {
                return .failure("\(name) failed: \(error.message)")
            } catch is CancellationError {
                return .failure("\(name) was cancelled.")
            } catch {
                return .failure("\(name) failed: \(error)")
            }
        }
        return outcome ?? .failure(
            "\(name) timed out after \(Self.format(timeout)) s and was stopped. Try a smaller step, or another way.")
    }

    /// The tool message the model reads: the output's text, then any files it made.
    static func observation(_ output: ToolOutput) -> String {
        var text = output.isError && !output.text.hasPrefix("Error") ? "Error: " + output.text : output.text
        for artifact in output.artifacts {
            text += "\n[file saved: \(artifact.name) (\(artifact.mimeType), \(artifact.byteCount) bytes)]"
        }
        return text
    }

    // MARK: - Limits and the end

    private var remainingWallSeconds: Double { max(limits.maxWallSeconds - elapsed, 0) }

    private func exhaustedLimit() -> AgentLimit? {
        if remainingWallSeconds <= 0 { return .wallTime }
        if usage.completionTokens >= limits.maxTokens { return .tokens }
        return nil
    }

    /// What the run did, for an answer cut short by a limit.
    private func limitReport(_ limit: AgentLimit) -> String {
        let toolSteps = steps.filter { $0.kind == .tool }
        var done = "No tools were called."
        if !toolSteps.isEmpty {
            var counts: [(String, Int, Int)] = []
            for step in toolSteps {
                let name = step.tool ?? "?"
                let failed = step.output?.isError == true ? 1 : 0
                if let position = counts.firstIndex(where: { $0.0 == name }) {
                    counts[position].1 += 1
                    counts[position].2 += failed
                } else {
                    counts.append((name, 1, failed))
                }
            }
            done = "Done so far: " + counts.map { name, count, failed in
                "\(name) ×\(count)" + (failed > 0 ? " (\(failed) failed)" : "")
            }.joined(separator: ", ") + "."
        }
        return "I stopped because this run reached \(limit.describe(limits)). \(done)"
    }

    private func finish(answer modelAnswer: String, limit: AgentLimit?, appendMessage: Bool = true) async {
        var answer = modelAnswer
        if let limit {
            let report = limitReport(limit)
            let addition = answer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? report : "\n\n" + report
            answer = answer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? report : answer + "\n\n" + report
            emit(.messageDelta(step: max(steps.count - 1, 0), text: addition))
            if !appendMessage, let last = messages.indices.last, messages[last].role == .assistant {
                messages[last].content = answer
            }
        }
        if appendMessage { messages.append(.assistant(answer)) }
        let citations = await CitationResolver.resolve(answer, sources: conversation.sources, quotes: quotes)
        await conversation.append(Array(messages[firstNewMessage...]))
        flush()
        emit(.runCompleted(trajectory(status: .completed, answer: answer, citations: citations, limit: limit)))
    }

    private func fail(_ message: String) async {
        logger.warning("agent run failed", metadata: ["run": "\(runID)", "error": "\(message)"])
        var record = trajectory(status: .failed, answer: "", citations: [], limit: nil)
        record.error = message
        flush()
        emit(.runFailed(record))
    }

    /// Reports the steps finished since the last report, the last one carrying the messages they added (a step
    /// boundary: what a caller saves here survives a crash).
    private func flush() {
        guard committedSteps < steps.count else { return }
        let pending = steps[committedSteps...]
        let added = committedMessages < messages.count ? Array(messages[committedMessages...]) : []
        for step in pending {
            emit(.stepCompleted(step, messages: step.index == pending.last?.index ? added : []))
        }
        committedSteps = steps.count
        committedMessages = messages.count
    }

    /// A fresh run id: `run_` and 24 random hex digits.
    static func newRunID() -> String { "run_" + RandomID.hex(24) }

    private func trajectory(status: Trajectory.Status, answer: String, citations: [Citation], limit: AgentLimit?)
        -> Trajectory
    {
        let total = elapsed
        return Trajectory(
            runID: runID, conversationID: conversation.id, agent: configuration.name, input: input,
            startedAt: startedAt, status: status, steps: steps, messages: messages, answer: answer,
            citations: citations, artifacts: artifacts, usage: usage, durationSeconds: total,
            overheadSeconds: max(total - modelSeconds - toolSeconds, 0), limitHit: limit, error: nil)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private func seconds(_ duration: Duration) -> Double { Self.seconds(duration) }

    private static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
