import ArgumentParser
import EmergentAgents
import EmergentCore
import EmergentEval
import EmergentModels
import EmergentRemote
import Foundation

/// `emergent eval …`: AgentBench-style evaluation of agents in OS, DB, KG, household and web-shop environments.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate agents in AgentBench-style environments, report, and collect tuning trajectories.",
        subcommands: [EvalRun.self, EvalReport.self, EvalCollect.self, EvalWeights.self, EvalTasks.self]
    )
}

/// What `eval run` and `eval collect` share: environments, tasks, the agent, and how episodes are run.
struct EvalRunOptions: ParsableArguments {
    @Option(name: .long, help: "Environments, comma-separated: os, db, kg, household, webshop (default: all).")
    var env: String = EnvironmentCatalog.names.joined(separator: ",")

    @Option(name: .long, help: ArgumentHelp(
        "A task file instead of the shipped dev tasks: FILE when one environment runs, or ENV=FILE (repeatable).",
        discussion: "AgentBench's own files work for db (dbbench JSONL) and os (os_interaction JSON)."))
    var tasks: [String] = []

    @Option(name: .long, help: "Run only the first N tasks of each environment.")
    var limit: Int?

    @Option(name: .long, help: "An agent YAML file: its instructions become the system prompt, its model and sampling are used.")
    var agent: String?

    @Option(name: .long, help: "An OpenAI-compatible server to evaluate instead of the embedded engine.")
    var baseURL: String?

    @Option(name: .long, help: "API key for --base-url (default: $OPENAI_API_KEY).")
    var apiKey: String?

    @Option(name: .long, help: "A Jinja chat template for the embedded model instead of its own.")
    var template: String?

    @Option(name: .long, help: "text: thought + action in each environment's format (AgentBench); functions: the actions as function-calling tools.")
    var mode: ActionMode = .text

    @Option(name: .long, help: "Episodes run at once.")
    var concurrency = 1

    @Option(name: .long, help: "Sampling temperature (default: the agent file's, else 0, greedy).")
    var temperature: Double?

    @Option(name: .long, help: "Sampling seed; attempt k of a task uses seed + k.")
    var seed: UInt32?

    @Option(name: .long, help: "The most tokens one reply may have.")
    var maxReplyTokens = 512

    @Option(name: .long, help: "A name for the run in reports (default: the model and mode).")
    var name: String?

    @Option(name: .long, help: "OA weights: a JSON file from `emergent eval weights` (default: AgentBench's published weights).")
    var weights: String?

    @OptionGroup var engine: EngineOptionGroup

    func environments() throws -> [any Environment] {
        let names = env.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !names.isEmpty else { throw CommandFailure(message: "--env names no environment.", recovery: "Try --env db,os.") }
        var seen = Set<String>()
        return try names.compactMap { name in
            let environment = try EnvironmentCatalog.environment(name)
            return seen.insert(environment.name).inserted ? environment : nil
        }
    }

    /// Each environment with its tasks: the shipped dev tasks, or the file `--tasks` names for it.
    func plans(_ environments: [any Environment]) throws -> (plans: [EvalRunner.Plan], sources: [EvalRunManifest.TaskSource]) {
        var files: [String: String] = [:]
        for entry in tasks {
            if let equals = entry.firstIndex(of: "="), !entry.hasPrefix("/"), !entry.hasPrefix(".") {
                let environment = try EnvironmentCatalog.environment(String(entry[..<equals])).name
                files[environment] = String(entry[entry.index(after: equals)...])
            } else {
                guard environments.count == 1, let only = environments.first else {
                    throw CommandFailure(message: "--tasks \(entry) does not say which environment it is for.",
                                         recovery: "Write --tasks ENV=FILE (for example --tasks db=dev.jsonl).")
                }
                files[only.name] = entry
            }
        }
        var plans: [EvalRunner.Plan] = []
        var sources: [EvalRunManifest.TaskSource] = []
        for environment in environments {
            var list: [EvalTask]
            if let file = files[environment.name] {
                list = try environment.loadTasks(from: URL(fileURLWithPath: file))
            } else {
                list = try environment.devTasks()
            }
            if let limit { list = Array(list.prefix(max(0, limit))) }
            plans.append(EvalRunner.Plan(environment: environment, tasks: list))
            sources.append(.init(environment: environment.name, source: files[environment.name] ?? "shipped",
                                 tasks: list.count))
        }
        return (plans, sources)
    }

    func overallWeights() throws -> OverallWeights {
        guard let weights else { return .agentBench }
        do {
            return try JSONDecoder().decode(OverallWeights.self, from: Data(contentsOf: URL(fileURLWithPath: weights)))
        } catch {
            throw CommandFailure(message: "Cannot read the weights file '\(weights)': \(error).",
                                 recovery: "Make one with: emergent eval weights RUN_DIR… --out weights.json")
        }
    }

    /// Runs the plans into `out` and prints the summary.
    func execute(out: String, repeats: Int, defaultTemperature: Double?) async throws -> (EvalSummary, EvalRunDirectory) {
        let environments = try environments()
        let (plans, sources) = try plans(environments)
        let definition = try agent.map { try AgentDefinition.load(from: $0) }
        let folder = agent.map { URL(fileURLWithPath: $0).deletingLastPathComponent() }
            ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        var sampling = definition?.sampling?.parameters ?? .greedy
        if let temperature = temperature ?? defaultTemperature { sampling.temperature = temperature }
        if let seed { sampling.seed = seed } else if sampling.temperature > 0, sampling.seed == nil { sampling.seed = 1 }
        let choice = BackendChoice(engine: engine, baseURL: baseURL, apiKey: apiKey, template: template)
        let picked = try await choice.languageModel(
            agentModel: definition?.model, relativeTo: folder, showProgress: true, slots: min(concurrency, 16))
        let label = definition.map { "\($0.name) (\(picked.label))" } ?? picked.label
        let evalAgent = EvalAgent(label: label, model: picked.model, systemPrompt: definition?.instructions,
                                  sampling: sampling, maxReplyTokens: maxReplyTokens)
        let manifest = EvalRunManifest(
            name: name ?? "\(label) · \(mode.rawValue)", agent: label, mode: mode, repeats: repeats,
            temperature: sampling.temperature, sources: sources)
        let directory = try EvalRunDirectory(url: URL(fileURLWithPath: out), manifest: manifest)
        let runner = EvalRunner(plans: plans, mode: mode, repeats: repeats, concurrency: concurrency)
        let bars = EvalProgressBars()
        let summary: EvalSummary
        do {
            summary = try await runner.run(agents: SharedEvalAgent(evalAgent), into: directory, progress: bars,
                                           weights: try overallWeights())
        } catch {
            await bars.close()
            try? await picked.remote?.shutdown()
            throw error
        }
        await bars.close()
        try? await picked.remote?.shutdown()
        return (summary, directory)
    }
}

extension ActionMode: ExpressibleByArgument {}

extension EvalCommand {
    /// `emergent eval run`.
    struct EvalRun: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Run environments' tasks with an agent; resumable, every trajectory saved.",
            discussion: """
                Each episode follows AgentBench's protocol: instructions and one worked example, then turns of \
                thought + action until the task ends (completed, invalid_format, invalid_action, task_limit, \
                context_limit). Results go to --out: results.jsonl (one line per episode, written as it ends), \
                trajectories/, summary.json. Running the same command again skips finished episodes.

                Examples:
                  emergent eval run --env db,os --out runs/gemma
                  emergent eval run --env db --tasks ../shared/data/agentbench-v0.2/dbbench/dev.jsonl --out runs/db-ab
                  emergent eval run --env kg --mode functions --base-url http://localhost:8000/v1 --model Qwen/Qwen3-8B --concurrency 8 --out runs/qwen-fc
                """
        )

        @OptionGroup var options: EvalRunOptions

        @Option(name: .long, help: "Run each task K times.")
        var `repeat` = 1

        @Option(name: .long, help: "The run directory (created, or resumed if it exists).")
        var out = "eval-run"

        func run() async throws {
            try await CommandErrors.reporting {
                let (summary, directory) = try await options.execute(out: out, repeats: self.repeat, defaultTemperature: nil)
                Terminal.output(summary.table() + "\n")
                Terminal.error("Saved in \(directory.url.path). Report: emergent eval report \(out)")
            }
        }
    }

    /// `emergent eval report`.
    struct EvalReport: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Write a self-contained HTML report of one or more runs, side by side.",
            discussion: """
                Scores and OA, an SVG bar chart per environment, finish reasons, a task-by-task comparison, \
                and every trajectory. Give several run directories to compare them (two models, or text vs \
                function calling).

                Examples:
                  emergent eval report runs/gemma
                  emergent eval report runs/qwen-text runs/qwen-fc --out compare.html
                """
        )

        @Argument(help: "Run directories.")
        var runs: [String]

        @Option(name: .long, help: "The HTML file (default: RUN/report.html for one run, eval-report.html for several).")
        var out: String?

        @Option(name: .long, help: "OA weights file (default: AgentBench's published weights).")
        var weights: String?

        func run() async throws {
            try await CommandErrors.reporting {
                guard !runs.isEmpty else {
                    throw CommandFailure(message: "Give at least one run directory.", recovery: "emergent eval report runs/NAME")
                }
                let overall: OverallWeights = try weights.map {
                    try JSONDecoder().decode(OverallWeights.self, from: Data(contentsOf: URL(fileURLWithPath: $0)))
                } ?? .agentBench
                var loaded: [LoadedEvalRun] = []
                for run in runs {
                    loaded.append(try await LoadedEvalRun.load(URL(fileURLWithPath: run),
                                                               environments: EnvironmentCatalog.all(), weights: overall))
                }
                let target = out ?? (runs.count == 1 ? URL(fileURLWithPath: runs[0]).appendingPathComponent("report.html").path
                    : "eval-report.html")
                try EvalReportPage.make(runs: loaded).html().write(toFile: target, atomically: true, encoding: .utf8)
                for run in loaded { Terminal.output(run.summary.table() + "\n") }
                Terminal.error("Wrote \(target)")
            }
        }
    }

    /// `emergent eval weights`.
    struct EvalWeights: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "weights",
            abstract: "Recompute OA weights from your own runs: each environment's weight is the runs' mean score.",
            discussion: """
                Example:
                  emergent eval weights runs/a runs/b runs/c --out weights.json
                  emergent eval report runs/a --weights weights.json
                """
        )

        @Argument(help: "Run directories (the reference set).")
        var runs: [String]

        @Option(name: .long, help: "Where to write the weights.")
        var out = "weights.json"

        func run() async throws {
            try await CommandErrors.reporting {
                var scores: [[String: Double]] = []
                for run in runs {
                    let loaded = try await LoadedEvalRun.load(URL(fileURLWithPath: run), environments: EnvironmentCatalog.all())
                    scores.append(loaded.summary.percentScores)
                }
                let weights = OverallWeights.average(of: scores, source: "mean of \(runs.count) runs")
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try encoder.encode(weights).write(to: URL(fileURLWithPath: out))
                for (environment, value) in weights.averages.sorted(by: { $0.key < $1.key }) {
                    Terminal.output(String(format: "%@\t%.2f\n", environment, value))
                }
                Terminal.error("Wrote \(out)")
            }
        }
    }

    /// `emergent eval tasks`.
    struct EvalTasks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tasks",
            abstract: "List an environment's tasks (shipped, or from a file) to check a task file loads.")

        @Option(name: .long, help: "The environment.")
        var env: String

        @Option(name: .long, help: "A task file (default: the shipped dev tasks).")
        var tasks: String?

        func run() async throws {
            try await CommandErrors.reporting {
                let environment = try EnvironmentCatalog.environment(env)
                let list = try tasks.map { try environment.loadTasks(from: URL(fileURLWithPath: $0)) } ?? environment.devTasks()
                for task in list { Terminal.output("\(task.id)\t\(task.summary)\n") }
                Terminal.error("\(list.count) \(environment.name) tasks")
            }
        }
    }

    /// `emergent eval collect`.
    struct EvalCollect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "collect",
            abstract: "Run an agent K times per task and keep the trajectories that succeed (AgentInstruct).",
            discussion: """
                Runs like `eval run` with --repeat attempts at --temperature, then keeps trajectories that \
                completed with reward ≥ --threshold (1.0: full success; --threshold-for kg=2/3 gives partial \
                credit, as AgentInstruct did for Mind2Web). Writes kept.jsonl and collection.json into --out \
                and prints kept/total per environment. Export with `emergent data export`.

                Example:
                  emergent eval collect --env db,kg --repeat 4 --temperature 0.7 --out runs/collect
                """
        )

        @OptionGroup var options: EvalRunOptions

        @Option(name: .long, help: "Attempts per task.")
        var `repeat` = 4

        @Option(name: .long, help: "Keep trajectories with at least this reward.")
        var threshold = 1.0

        @Option(name: .long, help: "ENV=THRESHOLD for one environment (repeatable), e.g. webshop=0.667.")
        var thresholdFor: [String] = []

        @Option(name: .long, help: "The run directory.")
        var out = "eval-collect"

        func run() async throws {
            try await CommandErrors.reporting {
                let rule = try KeepRule.parse(threshold: threshold, overrides: thresholdFor)
                let (summary, directory) = try await options.execute(
                    out: out, repeats: self.repeat, defaultTemperature: options.temperature ?? 0.7)
                let (report, kept) = CollectionReport.make(records: await directory.allRecords(), rule: rule)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                var lines = Data()
                for record in kept {
                    lines.append(try encoder.encode(record))
                    lines.append(0x0A)
                }
                try lines.write(to: directory.url.appendingPathComponent("kept.jsonl"), options: .atomic)
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try encoder.encode(report).write(to: directory.url.appendingPathComponent("collection.json"), options: .atomic)
                Terminal.output(summary.table() + "\n\n" + report.table() + "\n")
                Terminal.error("Kept trajectories listed in \(out)/kept.jsonl. Export: emergent data export \(out) --format openai --out agent.jsonl")
            }
        }
    }
}
