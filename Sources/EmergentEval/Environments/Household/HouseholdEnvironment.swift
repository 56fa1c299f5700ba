import EmergentCore
import Foundation

/// AgentBench's household environment (ALFWorld, as its alfworld task runs it), as a deterministic text world:
/// rooms generated from a seed, ALFWorld's commands and wording, its six task types, AgentBench's mapping of
/// near-miss actions to admissible commands, at most 35 turns, scored by success rate.
public struct HouseholdEnvironment: Environment {
    public let name = "household"
    public let title = "Household (ALFWorld)"
    public let roundLimit = 35
    public let metricName = "success rate"
    /// The task file `devTasks()` reads; `nil` for the shipped one.
    public var tasksFile: URL?

    public init(tasksFile: URL? = nil) {
        self.tasksFile = tasksFile
    }

    public func devTasks() throws -> [EvalTask] {
        try loadTasks(from: tasksFile ?? BundledData.tasksFile(name))
    }


    public func loadTasks(from file: URL) throws -> [EvalTask] {
        var seen: [String: Int] = [:]
        return try JSONLines.read(file) { value, line in
            let spec: HouseholdTaskSpec
            let scenario: HouseholdScenario
            do {
                spec = try HouseholdTaskSpec(json: value)
                scenario = try spec.scenario()
            } catch let error as EnvironmentError {
                throw EnvironmentError.badTask(file, line: line, error.message)
            }
            if let earlier = seen[spec.id] {
                throw EnvironmentError.badTask(file, line: line, "field 'id': '\(spec.id)' repeats line \(earlier)")
            }
            seen[spec.id] = line
            return EvalTask(id: spec.id, environment: name, summary: "\(spec.type.rawValue): \(scenario.goal.text)",
                            payload: spec.json)
        }
    }

    public func makeEpisode(for task: EvalTask, mode: ActionMode) async throws -> any Episode {
        HouseholdEpisode(scenario: try scenario(of: task), mode: mode)
    }

    /// Success rate over all episodes, with a breakdown per task type.
    public func score(_ results: [EpisodeResult]) -> EnvironmentScore {
        var overall = EnvironmentScore.meanReward(results)
        var byType: [String: [Double]] = [:]
        for result in results {
            if let type = result.details["type"]?.stringValue { byType[type, default: []].append(result.reward) }
        }
        overall.breakdown = byType.mapValues { $0.reduce(0, +) / Double($0.count) }
        return overall
    }

    public func solution(for task: EvalTask) throws -> [String] {
        try HouseholdPlanner(scenario: scenario(of: task)).plan().map(\.reply)
    }

    public func solutionCalls(for task: EvalTask) throws -> [ToolCall] {
        try HouseholdPlanner(scenario: scenario(of: task)).plan().enumerated().map { index, step in
            ToolCall(id: "call_\(index + 1)", name: HouseholdPrompts.toolName,
                     arguments: ["action": .string(step.command)])
        }
    }

    /// The room and goal of a task.
    public func scenario(of task: EvalTask) throws -> HouseholdScenario {
        do {
            return try HouseholdTaskSpec(json: task.payload).scenario()
        } catch let error as EnvironmentError {
            throw EnvironmentError("household task '\(task.id)': \(error.message)")
        }
    }
}
