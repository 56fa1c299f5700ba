import ArgumentParser
import EmergentAgents
import EmergentCore
import EmergentEngine
import EmergentModels
import EmergentTools
import Foundation
import Logging

/// `emergent bench agent`: the agent loop's own cost per step, and how much of each step's prompt the engine reuses.
struct AgentBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Measure the agent loop's per-step overhead and its prompt-cache reuse on a 5-step run.",
        discussion: """
            Overhead: many 5-step runs (4 tool rounds, then an answer) with an instant scripted model and an \
            instant tool, so that what remains is the loop itself: prompt building, argument parsing and schema \
            checks, events, trajectory bookkeeping. Reported per step as the median over runs, both as the loop's \
            own time (run time minus model and tool time) and as the whole run's time divided by its steps.

            Cache reuse: one 5-step run of the All Tools agent (or --agent FILE) on the embedded model, whose first \
            4 calls are made to call a tool (tool_choice required, enforced by grammar). For each model step it \
            shows the prompt tokens, how many came from the engine's cache and how many were evaluated. The goal \
            is at least 95% reused from step 2 on.
            """
    )

    @Option(name: .long, help: "Scripted runs for the overhead figure.")
    var runs: Int = 300

    @Option(name: .long, help: "An agent YAML file for the cache-reuse run (default: the All Tools agent).")
    var agent: String?

    @Option(name: .long, help: "A Jinja chat template for the embedded model instead of its own.")
    var template: String?

    @Flag(name: .long, help: "Skip the cache-reuse run on the embedded model.")
    var noModel = false

    @Flag(name: .long, help: "Print one JSON object instead of tables.")
    var json = false

    @OptionGroup var engine: EngineOptionGroup

    /// What the command measured.
    struct Report: Encodable {
        var runs: Int
        var overheadPerStepMicrosecondsMedian: Double
        var runPerStepMicrosecondsMedian: Double
        var cacheSteps: [CacheStep]
        var cacheReuseFromStep2Minimum: Double?

        enum CodingKeys: String, CodingKey {
            case runs
            case overheadPerStepMicrosecondsMedian = "overhead_per_step_us_median"
            case runPerStepMicrosecondsMedian = "run_per_step_us_median"
            case cacheSteps = "cache_steps"
            case cacheReuseFromStep2Minimum = "cache_reuse_from_step_2_min"
        }
    }

    /// One model step of the cache-reuse run.
    struct CacheStep: Encodable {
        var step: Int
        var promptTokens: Int
        var reusedTokens: Int
        var evaluatedTokens: Int
        var reusedFraction: Double

        enum CodingKeys: String, CodingKey {
            case step, promptTokens = "prompt_tokens", reusedTokens = "reused_tokens"
            case evaluatedTokens = "evaluated_tokens", reusedFraction = "reused_fraction"
        }
    }

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1.") }
    }

    func run() async throws {
        try await CommandErrors.reporting {
            let logger = Logger(label: "emergent.bench.agent") { _ in SwiftLogNoOpLogHandler() }
            let (overhead, whole) = try await measureOverhead(logger: logger)
            var report = Report(
                runs: runs, overheadPerStepMicrosecondsMedian: overhead * 1e6, runPerStepMicrosecondsMedian: whole * 1e6,
                cacheSteps: [], cacheReuseFromStep2Minimum: nil)
            if !noModel {
                report.cacheSteps = try await measureCacheReuse(logger: logger)
                report.cacheReuseFromStep2Minimum = report.cacheSteps.dropFirst().map(\.reusedFraction).min()
            }
            if json {
                try printJSON(report)
                return
            }
            Terminal.output(String(
                format: "Agent loop overhead (%d scripted 5-step runs, medians)\n  own time per step   %.1f µs\n"
                    + "  whole run per step  %.1f µs  (instant model and tool included)\n",
                runs, report.overheadPerStepMicrosecondsMedian, report.runPerStepMicrosecondsMedian))
            guard !report.cacheSteps.isEmpty else { return }
            Terminal.output("\nPrompt cache on a 5-step run (embedded model)\n  step  prompt  reused  evaluated  reused %\n")
            for step in report.cacheSteps {
                Terminal.output(String(
                    format: "  %4d  %6d  %6d  %9d  %7.1f\n", step.step, step.promptTokens, step.reusedTokens,
                    step.evaluatedTokens, step.reusedFraction * 100))
            }
        }
    }

    /// Medians of (loop time per step, whole run time per step), in seconds.
    private func measureOverhead(logger: Logger) async throws -> (Double, Double) {
        let tool = InstantTool()
        var own: [Double] = []
        var whole: [Double] = []
        for _ in 0..<(runs + 5) {
            let replies: [ScriptedModel.Reply] = (0..<4).map { round in
                .toolCall("lookup", #"{"query": "step \#(round)", "limit": 3}"#, text: "Looking up step \(round).")
            } + [.text("All four lookups agree: the answer is 42.")]
            let agent = Agent(
                configuration: AgentConfiguration(name: "bench", tools: [tool]), model: ScriptedModel(replies),
                logger: logger)
            let conversation = Conversation(root: FileManager.default.temporaryDirectory.appendingPathComponent("emergent-bench"))
            let started = ContinuousClock.now
            guard let trajectory = await agent.complete("Look it up four times.", in: conversation) else { continue }
            let elapsed = (ContinuousClock.now - started) / .seconds(1)
            let steps = Double(trajectory.steps.count)
            own.append(trajectory.overheadSeconds / steps)
            whole.append(elapsed / steps)
        }
        // The first runs warm caches up; they are not counted.
        return (median(Array(own.dropFirst(5))), median(Array(whole.dropFirst(5))))
    }

    private func measureCacheReuse(logger: Logger) async throws -> [CacheStep] {
        let paths = EmergentPaths()
        let definition = try agent.map { try AgentDefinition.load(from: $0) } ?? .allTools
        let baseDirectory = agent.map { URL(fileURLWithPath: $0).deletingLastPathComponent() }
            ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let model = try await engine.loadModel(showProgress: !json)
        var options = engine.sessionOptions
        options.contextLength = max(options.contextLength, 8192)
        let session = try await InferenceSession(model: model, options: options)
        let format = try chatFormat(for: model, template: template)
        let toolkit = try await AgentToolkit.build(definition, baseDirectory: baseDirectory, paths: paths, logger: logger)
        var configuration = AgentConfiguration(definition: definition, tools: toolkit.tools)
        configuration.limits.maxToolRounds = 4
        configuration.maxTokensPerCall = 160
        let runner = Agent(
            configuration: configuration,
            model: ForcedToolRounds(LocalLanguageModel(session: session, format: format), rounds: 4), logger: logger)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("emergent-bench")
        let trajectory = await runner.complete(
            "Find the world population in 2000 and 2023 and compute the average annual growth rate.",
            in: Conversation(root: root))
        await toolkit.shutdown()
        let usages = trajectory?.steps.filter { $0.kind == .model }.compactMap(\.usage) ?? []
        return usages.enumerated().map { index, usage in
            CacheStep(
                step: index + 1, promptTokens: usage.promptTokens, reusedTokens: usage.reusedPromptTokens,
                evaluatedTokens: usage.evaluatedPromptTokens,
                reusedFraction: usage.promptTokens > 0 ? Double(usage.reusedPromptTokens) / Double(usage.promptTokens) : 0)
        }
    }
}

/// A tool that answers at once, so the overhead benchmark times the loop and not the tool.
private struct InstantTool: Tool {
    var spec: ToolSpec {
        ToolSpec(
            name: "lookup", description: "Looks a query up.",
            parameters: .object([
                "type": "object",
                "properties": .object([
                    "query": .object(["type": "string"]), "limit": .object(["type": "integer", "minimum": 1]),
                ]),
                "required": .array(["query"]),
            ]))
    }

    func call(_ arguments: JSONValue, context: ToolContext) async throws -> ToolOutput {
        ToolOutput(text: "42 (for \(arguments["query"]?.stringValue ?? ""))")
    }
}
