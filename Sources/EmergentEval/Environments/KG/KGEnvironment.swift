import EmergentCore
import Foundation
import Synchronization

/// AgentBench's knowledge-graph task (v0.2 protocol) on a local graph: the agent answers a question by exploring
/// the graph with seven functions that build variables (`#0`, `#1`, …) and names the variable that answers it.
/// Scored by answer F1 (exact match reported too). The shipped graph is a fictional film world in
/// `Resources/kg/graph.json`; each episode loads it into its own in-memory SQLite database.
public struct KGEnvironment: Environment {
    public let name = "kg"
    public let title = "Knowledge graph"
    public let roundLimit: Int
    public let metricName = "answer F1"
    /// Whether an unreadable reply ends the episode with `invalid_format` (Emergent's protocol, the default) or,
    /// as in AgentBench v0.2, only gets an error observation.
    public let strictFormat: Bool
    private let graph: KGGraphSource

    /// - Parameters:
    ///   - graphFile: the graph to query; `nil` uses the shipped `Resources/kg/graph.json`.
    ///   - roundLimit: AgentBench's 15 actions, the final answer included.
    ///   - strictFormat: see `strictFormat`.
    public init(graphFile: URL? = nil, roundLimit: Int = 15, strictFormat: Bool = true) {
        self.roundLimit = roundLimit
        self.strictFormat = strictFormat
        graph = KGGraphSource(file: graphFile)
    }

    public func devTasks() throws -> [EvalTask] {
        try loadTasks(from: try KGResources.tasksFile)
    }

    public func loadTasks(from file: URL) throws -> [EvalTask] {
        try KGTaskLoader.load(file)
    }

    public func makeEpisode(for task: EvalTask, mode: ActionMode) async throws -> any Episode {
        KGEpisode(task: try KGTask.from(task), mode: mode, graph: try graph.template(), roundLimit: roundLimit,
                  strictFormat: strictFormat)
    }

    /// Mean answer F1 (AgentBench's main KG metric), with `F1`, `EM` (exact match) and `executability` (the share
    /// of episodes whose answer was a non-empty set) in the breakdown, each over all episodes.
    public func score(_ results: [EpisodeResult]) -> EnvironmentScore {
        guard !results.isEmpty else { return EnvironmentScore(value: 0, episodes: 0) }
        let count = Double(results.count)
        let f1 = results.reduce(0) { $0 + $1.reward } / count
        let exact = Double(results.filter { $0.details["exact_match"] == .bool(true) }.count) / count
        let executable = Double(results.filter { $0.details["executable"] == .bool(true) }.count) / count
        return EnvironmentScore(value: f1, breakdown: ["F1": f1, "EM": exact, "executability": executable],
                                episodes: results.count)
    }

    public func solution(for task: EvalTask) throws -> [String] {
        let (_, calls, final) = try reference(task)
        var replies = calls.map { call in "Thought: \(KGSolutionThought.text(for: call))\nAction: \(call.text)" }
        replies.append("Thought: \(final) holds the answer to the question.\nFinal Answer: \(final)")
        return replies
    }

    public func solutionCalls(for task: EvalTask) throws -> [ToolCall] {
        let (_, calls, final) = try reference(task)
        var toolCalls = try calls.enumerated().map { index, call in
            guard let function = KGFunction(rawValue: call.name), function.parameters.count == call.arguments.count
            else { throw EnvironmentError("task \(task.id): reference action \(call.text) is not a kg function call") }
            let arguments = JSONObject(zip(function.parameters, call.arguments.map(JSONValue.string)))
            return ToolCall(id: "call_\(index)", name: call.name, arguments: .object(arguments))
        }
        toolCalls.append(ToolCall(id: "call_\(calls.count)", name: KGPrompt.finalAnswerTool,
                                  arguments: ["variable": .string(final)]))
        return toolCalls
    }

    /// The task's reference actions, parsed, and the variable they answer with. Entities of the question are
    /// written by name, as the prompt shows them (the reference files use ids).
    private func reference(_ task: EvalTask) throws -> (KGTask, [KGParsedCall], String) {
        let kgTask = try KGTask.from(task)
        guard !kgTask.actions.isEmpty, let final = kgTask.finalVariable else {
            throw EnvironmentError("task \(task.id) has no reference actions, so it has no oracle solution",
                                   recovery: "add 'actions' (and 'final_variable') to the task")
        }
        // A name that a call cannot carry (commas split arguments, parentheses end the call) stays an id.
        let writable = kgTask.entities.filter { !$0.name.contains(where: { ",()".contains($0) }) }
        let names = Dictionary(writable.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let calls = try kgTask.actions.map { text in
            guard var call = KGActionParser.parseCall(text) else {
                throw EnvironmentError("task \(task.id): cannot read reference action '\(text)'")
            }
            call.arguments = call.arguments.map { names[$0] ?? $0 }
            return call
        }
        return (kgTask, calls, final)
    }
}

/// The short thought the oracle writes before each reference action.
enum KGSolutionThought {
    static func text(for call: KGParsedCall) -> String {
        func show(_ argument: String) -> String { argument.hasPrefix("#") ? argument : "'\(argument)'" }
        let arguments = call.arguments
        switch (KGFunction(rawValue: call.name), arguments.count) {
        case (.getRelations, 1): return "I will look at the relations of \(show(arguments[0]))."
        case (.getNeighbors, 2): return "I will follow \(arguments[1]) from \(show(arguments[0]))."
        case (.intersection, 2): return "The entities in both \(arguments[0]) and \(arguments[1]) are what I need."
        case (.getAttributes, 1): return "I will list the numerical attributes of \(arguments[0])."
        case (.argmax, 2): return "I need the entity of \(arguments[0]) with the largest \(arguments[1])."
        case (.argmin, 2): return "I need the entity of \(arguments[0]) with the smallest \(arguments[1])."
        case (.count, 1): return "The question asks how many, so I will count \(arguments[0])."
        default: return "Next step: \(call.text)."
        }
    }
}

/// Answer F1 and exact match, as AgentBench's KG task computes them over answer sets.
public enum KGMetric {
    /// F1 of the predicted set against the gold set; 0 when they share nothing (an empty answer included).
    public static func f1(predicted: [String], gold: [String]) -> Double {
        let predictedSet = Set(predicted)
        let goldSet = Set(gold)
        let truePositives = Double(predictedSet.intersection(goldSet).count)
        guard truePositives > 0 else { return 0 }
        let precision = truePositives / Double(predictedSet.count)
        let recall = truePositives / Double(goldSet.count)
        return 2 * precision * recall / (precision + recall)
    }
}

/// Loads the graph file once per environment value into a template database; each episode gets its own copy.
final class KGGraphSource: Sendable {
    private let file: URL?
    private let cache = Mutex<KGGraphStore?>(nil)

    init(file: URL?) { self.file = file }

    /// The template store (built on first use).
    func template() throws -> KGGraphStore {
        try cache.withLock { cached in
            if let cached { return cached }
            let loaded = try KGGraphStore(try KGGraphData.load(from: try file ?? KGResources.graphFile))
            cached = loaded
            return loaded
        }
    }
}

/// The kg environment's shipped files.
enum KGResources {
    static var tasksFile: URL { get throws { try BundledData.tasksFile("kg") } }
    static var graphFile: URL { get throws { try BundledData.url("kg/graph.json") } }
}
