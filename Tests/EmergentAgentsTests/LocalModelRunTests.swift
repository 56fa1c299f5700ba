import EmergentAgents
import EmergentCore
import EmergentEngine
import EmergentModels
import EmergentTools
import Foundation
import Logging
import Testing

/// Runs on the real default model (Gemma 3 270M base). Quality is not asserted; termination, well-formed events and
/// prompt-cache reuse are.
@Suite("Agent runs on the embedded default model", .serialized)
struct LocalModelRunTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let model = Task { try await Model.load(from: EmergentPaths().defaultModel.path) }

    @Test("a short run on the default model terminates with well-formed events and a trajectory")
    func smokeRun() async throws {
        let loaded = try await Self.model.value
        let session = try await InferenceSession(model: loaded, options: SessionOptions(contextLength: 4096))
        let model = LocalLanguageModel(session: session, format: try ChatFormat.of(loaded))
        let agent = Agent(
            configuration: AgentConfiguration(
                name: "smoke", tools: [AddTool()], limits: AgentLimits(maxToolRounds: 2, maxWallSeconds: 120),
                maxTokensPerCall: 48),
            model: model, logger: Logger(label: "test.smoke"))
        let run = await RunRecord.of(agent, "What is 2 + 40? Use the add tool.", in: Conversation(root: temporaryFolder()))
        #expect(run.names.first == "run.started")
        #expect(run.names.last == "run.completed")
        #expect(run.names.filter { $0 == "run.started" || $0 == "run.completed" || $0 == "run.failed" }.count == 2)
        var calls: [String] = []
        var outputs: [String] = []
        for event in run.events {
            if case .toolCall(_, let call) = event { calls.append(call.id) }
            if case .toolOutput(_, let id, _, _, _) = event { outputs.append(id) }
        }
        #expect(Set(calls) == Set(outputs), "every tool call gets exactly one output")
        let trajectory = try #require(run.trajectory)
        let modelSteps = trajectory.steps.filter { $0.kind == .model }
        #expect(!modelSteps.isEmpty)
        #expect(modelSteps.allSatisfy { ($0.usage?.promptTokens ?? 0) > 0 })
        #expect(trajectory.usage.completionTokens > 0)
        #expect(trajectory.toolRounds <= 2)
        #expect(!trajectory.answer.isEmpty)
    }

    @Test("each step's prompt extends the last: the engine re-evaluates only new tokens (5-step run)")
    func promptCacheReuse() async throws {
        let loaded = try await Self.model.value
        let session = try await InferenceSession(model: loaded, options: SessionOptions(contextLength: 4096))
        let templateFile = Self.repositoryRoot.appendingPathComponent(
            ".deps/src/llama_cpp_python-0.3.36/vendor/llama.cpp/models/templates/Qwen-Qwen2.5-7B-Instruct.jinja")
        let source = try String(contentsOf: templateFile, encoding: .utf8)
        let format = ChatFormat(
            prompt: try ChatTemplate(source: source, name: "qwen2.5", bosToken: "<bos>", eosToken: "<eos>"),
            toolCalls: .detect(template: source))
        let model = ForcedToolRounds(LocalLanguageModel(session: session, format: format), rounds: 4)
        let agent = Agent(
            configuration: AgentConfiguration(
                name: "cache", tools: [AddTool(), SleepTool()], limits: AgentLimits(maxToolRounds: 4),
                maxTokensPerCall: 40),
            model: model, logger: Logger(label: "test.cache"))
        let run = await RunRecord.of(agent, "Add 1 and 2, then keep adding 1.", in: Conversation(root: temporaryFolder()))
        let trajectory = try #require(run.trajectory)
        let usages = trajectory.steps.filter { $0.kind == .model }.compactMap(\.usage)
        #expect(usages.count == 5)
        for (previous, current) in zip(usages, usages.dropFirst()) {
            // Everything the previous step evaluated is still in the cache, and the prompt keeps those exact tokens
            // (no re-tokenization at the seam), so at least the whole previous prompt is reused; the model's reply
            // is reused too as far as the template re-renders it as generated.
            #expect(current.reusedPromptTokens >= previous.promptTokens,
                    "step reused \(current.reusedPromptTokens) of \(current.promptTokens); previous prompt was \(previous.promptTokens)")
        }
    }
}
