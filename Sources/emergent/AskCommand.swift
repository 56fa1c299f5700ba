import ArgumentParser
import EmergentAgents
import EmergentCore
import EmergentEngine
import EmergentModels
import EmergentRemote
import EmergentTools
import Foundation
import Logging

/// `emergent ask`: one agent turn in the terminal, every step shown as it happens.
struct AskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask",
        abstract: "Run one agent turn: the agent plans, calls tools, and answers with citations and artifacts.",
        discussion: """
            Without --agent, the default All Tools agent runs: Python in a sandbox, the browser over the local \
            search folder ($EMERGENT_HOME/web), and knowledge from $EMERGENT_HOME/knowledge. Each step is shown \
            live: the code being run, tool results, search hits and the paths of the files it makes. The answer \
            ends with its sources.

            The model is the installed default model unless --model names a GGUF file; with --base-url, --model \
            names a model on that OpenAI-compatible server (vLLM, SGLang, llama-server, emergent serve).

            Examples:
              emergent ask "What is 2**100?"
              emergent ask "Plot y = x^2 for x in 0..10" --agent agents/analyst.yaml
              emergent ask "Summarise the report" --base-url http://localhost:8000/v1 --model Qwen/Qwen3-8B
            """
    )

    @Argument(help: "What to ask the agent.")
    var prompt: String

    @Option(name: .long, help: "An agent YAML file (default: the built-in All Tools agent).")
    var agent: String?

    @Option(name: .long, help: "An OpenAI-compatible server to use instead of the embedded engine.")
    var baseURL: String?

    @Option(name: .long, help: "API key for --base-url (default: $OPENAI_API_KEY).")
    var apiKey: String?

    @Option(name: .long, help: "A Jinja chat template for the embedded model instead of its own.")
    var template: String?

    @Option(name: .long, help: "Folder for the conversation's files (default: $EMERGENT_HOME/sandboxes).")
    var workdir: String?

    @Option(
        name: .long,
        help: "Make the first N model calls call a tool (tool_choice required; a grammar enforces it on the embedded engine). For checking a tool set with a small model.")
    var requireTools: Int = 0

    @Flag(name: .long, help: "Print the run's trajectory as JSON instead of drawing its steps.")
    var json = false

    @OptionGroup var engine: EngineOptionGroup

    func run() async throws {
        try await CommandErrors.reporting {
            let paths = EmergentPaths()
            let definition = try agent.map { try AgentDefinition.load(from: $0) } ?? .allTools
            let baseDirectory = agent.map { URL(fileURLWithPath: $0).deletingLastPathComponent() }
                ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            var logger = Logger(label: "emergent.ask") { StreamLogHandler.standardError(label: $0) }
            logger.logLevel = engine.verbose ? .debug : .error  // failures are drawn with the run
            let toolkit = try await AgentToolkit.build(
                definition, baseDirectory: baseDirectory, paths: paths, logger: logger)
            let base: any LanguageModel
            let remote: RemoteBackend?
            do {
                let choice = BackendChoice(engine: engine, baseURL: baseURL, apiKey: apiKey, template: template)
                let picked = try await choice.languageModel(
                    agentModel: definition.model, relativeTo: baseDirectory, showProgress: !json)
                (base, remote) = (picked.model, picked.remote)
            } catch {
                await toolkit.shutdown()
                throw error
            }
            let model: any LanguageModel = requireTools > 0 ? ForcedToolRounds(base, rounds: requireTools) : base
            let configuration = AgentConfiguration(definition: definition, tools: toolkit.tools)
            let root = workdir.map { URL(fileURLWithPath: $0) } ?? paths.home.appendingPathComponent("sandboxes")
            let conversation = Conversation(root: root)
            let runner = Agent(configuration: configuration, model: model, logger: logger)
            var renderer = AgentEventRenderer()
            var trajectory: Trajectory?
            for await event in runner.run(prompt, in: conversation) {
                switch event {
                case .runCompleted(let record), .runFailed(let record): trajectory = record
                default: break
                }
                if !json { renderer.render(event) }
            }
            await toolkit.shutdown()
            try? await remote?.shutdown()
            guard let trajectory else { throw CommandFailure(message: "The run ended without a result.", recovery: nil) }
            if json {
                Terminal.output(String(decoding: try trajectory.jsonData(), as: UTF8.self) + "\n")
            }
            if trajectory.status == .failed {
                throw CommandFailure(
                    message: trajectory.error ?? "The run failed.", recovery: "Run again with --json to see every step.")
            }
        }
    }
}
