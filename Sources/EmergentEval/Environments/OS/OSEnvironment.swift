import EmergentCore
import Foundation

/// AgentBench's OS interaction environment without Docker: each episode gets a throw-away bubblewrap sandbox with
/// a root shell that keeps its state across turns; the agent runs bash, then answers or finishes; the task is
/// graded by matching the answer or by check scripts run in the same sandbox. Metric: success rate.
public struct OSEnvironment: Environment {
    public let name = "os"
    public let title = "Operating system"
    public let roundLimit = 8
    public let metricName = "success rate"

    /// Where AgentBench's script files (`init/...`, `check/...`, `example/...`) are found; nil: a `scripts` folder
    /// next to the task file. The generic checks (integer-match, string-match, size-match, containing, in) are
    /// built in and never read from there.
    public var scriptsDirectory: URL?
    /// Per-command timeout, output cap and resource limits of each sandbox.
    public var limits: OSSandboxLimits

    public init(scriptsDirectory: URL? = nil, limits: OSSandboxLimits = OSSandboxLimits()) {
        self.scriptsDirectory = scriptsDirectory
        self.limits = limits
    }

    /// Whether episodes get a process limit (`limits.maxProcesses`, default 256) from a writable cgroup pids
    /// controller on this machine (usually: running as root). Without one, sandboxes still work but a fork bomb
    /// inside can exhaust the host's process table; each such episode's grade details then carry `process_limit`.
    public var processLimitEnforced: Bool {
        limits.maxProcesses > 0 && OSPidsHierarchy.detected.hierarchy != nil
    }

    /// Where the process limit is enforced (the cgroup hierarchy), or why it cannot be.
    public var processLimitNote: String { OSPidsHierarchy.detected.note }

    public func devTasks() throws -> [EvalTask] {
        try loadTasks(from: BundledData.tasksFile(name))
    }


    public func loadTasks(from file: URL) throws -> [EvalTask] {
        try OSTaskLoader(scriptsDirectory: scriptsDirectory).load(file)
    }

    /// The OS task inside an `EvalTask`.
    public func osTask(_ task: EvalTask) throws -> OSTask {
        do {
            return try task.payload.decode(as: OSTask.self)
        } catch {
            throw EnvironmentError("task \(task.id) is not an OS task: \(error)")
        }
    }

    public func makeEpisode(for task: EvalTask, mode: ActionMode) async throws -> any Episode {
        let os = try osTask(task)
        let missing = os.missingFiles
        if !missing.isEmpty {
            throw EnvironmentError(
                "task \(task.id) needs AgentBench script files that are not here: \(missing.joined(separator: ", "))",
                recovery: "copy AgentBench's data/os_interaction/scripts/<split>/ folder to a 'scripts' folder next "
                    + "to the task file, or pass OSEnvironment(scriptsDirectory:)")
        }
        return OSEpisode(taskID: task.id, task: os, mode: mode, limits: limits)
    }

    public func score(_ results: [EpisodeResult]) -> EnvironmentScore {
        EnvironmentScore.meanReward(results)
    }

    public func solution(for task: EvalTask) throws -> [String] {
        let steps = try solutionSteps(task)
        return steps.map { step in
            switch step {
            case .bash(let code):
                return "Think: I run a command to inspect or change the system.\n\nAct: bash\n\n```bash\n\(code)\n```"
            case .answer(let answer):
                return "Think: I now know the answer.\n\nAct: answer(\(answer))"
            case .finish:
                return "Think: The requested change is in place.\n\nAct: finish"
            }
        }
    }

    public func solutionCalls(for task: EvalTask) throws -> [ToolCall] {
        let steps = try solutionSteps(task)
        return steps.enumerated().map { index, step in
            let id = "call-\(index + 1)"
            switch step {
            case .bash(let code):
                return ToolCall(id: id, name: OSPrompts.bashTool, arguments: ["script": .string(code)])
            case .answer(let answer):
                return ToolCall(id: id, name: OSPrompts.answerTool, arguments: ["answer": .string(answer)])
            case .finish:
                return ToolCall(id: id, name: OSPrompts.finishTool, arguments: [:])
            }
        }
    }

    private func solutionSteps(_ task: EvalTask) throws -> [OSAction] {
        let os = try osTask(task)
        if let solution = os.solution {
            return solution.commands.map(OSAction.bash) + [solution.answer.map(OSAction.answer) ?? .finish]
        }
        if let match = os.evaluation.match, match.rule == .exact || match.rule == .string {
            return [.answer(match.answer)]
        }
        throw EnvironmentError("task \(task.id) has no oracle: its expected answer is only known by running its "
                               + "example or check scripts in a live episode")
    }
}
