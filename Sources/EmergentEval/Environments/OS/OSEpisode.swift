import EmergentCore
import Foundation

/// One OS episode: its sandbox, the agent's committed answer, and the grading.
actor OSEpisode: Episode {
    let taskID: String
    let task: OSTask
    let mode: ActionMode
    private let sandbox: OSSandbox
    /// Set once the agent answers (`.answer`) or finishes (`.finish`).
    private var commit: OSAction?
    private var over = false
    private var started = false
    private var cachedGrade: EpisodeGrade?

    init(taskID: String, task: OSTask, mode: ActionMode, limits: OSSandboxLimits) {
        self.taskID = taskID
        self.task = task
        self.mode = mode
        sandbox = OSSandbox(limits: limits)
    }

    /// The sandbox's host directory (tests check isolation with it).
    var controlDirectory: URL { get async { await sandbox.controlDirectory } }

    /// The sandbox's pids cgroup directory while the episode runs (nil without a process limit or after close).
    var processCgroup: String? { get async { await sandbox.processCgroup } }

    /// Whether the sandbox's process limit (`OSSandboxLimits.maxProcesses`) is enforced.
    var processLimitEnforced: Bool { get async { await sandbox.processLimitEnforced } }

    func start() async throws -> EpisodeOpening {
        if !started {
            started = true
            try await sandbox.launch()
            for (index, script) in task.initScripts.enumerated() {
                let result = try await sandbox.runScript(language: script.language, code: script.code ?? "")
                if result.exitCode != 0 {
                    throw EnvironmentError("task \(taskID): init script \(index + 1) failed with exit status "
                                           + "\(result.exitCode): \(result.stderr.suffix(600))")
                }
            }
            if let start = task.start {
                // As in AgentBench, the start script's exit status does not matter (it usually ends with `&`);
                // only a start script that hangs or breaks the shell stops the task.
                let result = try await sandbox.run(start.code ?? "")
                let responsive = await sandbox.isResponsive
                if result.timedOut || !responsive {
                    throw EnvironmentError("task \(taskID): the start script did not return to the shell: "
                                           + "\(result.output.suffix(600))")
                }
            }
        }
        switch mode {
        case .text: return EpisodeOpening(messages: OSPrompts.textOpening(task.description))
        case .functions:
            return EpisodeOpening(messages: OSPrompts.functionOpening(task.description), tools: OSPrompts.tools)
        }
    }

    func step(_ action: AgentAction) async throws -> StepOutcome {
        guard !over else { return .invalidAction("The task is already over.") }
        let parsed: Result<OSAction, OSActionProblem>
        switch action {
        case .text(let reply):
            let result = OSActionParser.parse(reply)
            if mode == .functions, case .failure = result {
                over = true
                return .invalidFormat("No function call found. Call one of bash_action, answer_action or "
                                      + "finish_action.")
            }
            parsed = result
        case .call(let call):
            parsed = OSActionParser.parse(call)
        }
        switch parsed {
        case .failure(.format(let message)):
            over = true
            return .invalidFormat(message)
        case .failure(.unknown(let message)):
            over = true
            return .invalidAction(message)
        case .success(.bash(let code)):
            let output = try await sandbox.run(code)
            return .observe(OSPrompts.observation(output, timeout: sandbox.limits.commandTimeout))
        case .success(let committed):
            commit = committed
            over = true
            return .completed("")
        }
    }

    func grade() async throws -> EpisodeGrade {
        if let cachedGrade { return cachedGrade }
        let grade = await computeGrade()
        if commit != nil { cachedGrade = grade }
        return grade
    }

    private func computeGrade() async -> EpisodeGrade {
        var details: JSONObject = ["labels": .array(task.labels.map(JSONValue.string))]
        if started, !(await sandbox.processLimitEnforced) {
            // Recorded with the result so a run on a machine without the pids controller is visible.
            details["process_limit"] = .string(await sandbox.processLimitNote)
        }
        let answer: String?
        switch commit {
        case .answer(let text)?: answer = text
        default: answer = nil
        }
        details["answer"] = answer.map(JSONValue.string) ?? .null
        guard commit != nil else {
            details["reason"] = "the agent neither answered nor finished"
            return EpisodeGrade(reward: 0, details: .object(details))
        }
        if let match = task.evaluation.match {
            details["evaluation"] = "match"
            details["expected"] = .string(match.answer)
            details["rule"] = .string(match.rule.rawValue)
            let passed = answer.map { OSMatching.matches($0, match) } ?? false
            return EpisodeGrade(reward: passed ? 1 : 0, details: .object(details))
        }
        details["evaluation"] = "check"
        var parameters = [answer ?? ""]
        var steps: [JSONValue] = []
        for (index, step) in (task.evaluation.check ?? []).enumerated() {
            guard let script = step ?? task.evaluation.example else {
                details["error"] = .string("check step \(index + 1) runs the example, but the task has none")
                return EpisodeGrade(reward: 0, details: .object(details))
            }
            if let file = script.missingFile {
                details["error"] = .string("check script \(file) is missing; put AgentBench's scripts folder next "
                                           + "to the task file or pass OSEnvironment(scriptsDirectory:)")
                return EpisodeGrade(reward: 0, details: .object(details))
            }
            if let builtin = script.builtin {
                let passed = OSMatching.builtin(builtin, parameters)
                steps.append(["builtin": .string(builtin), "passed": .bool(passed)])
                if parameters.count > 1 { details["expected"] = .string(parameters[1]) }
                if !passed {
                    details["steps"] = .array(steps)
                    return EpisodeGrade(reward: 0, details: .object(details))
                }
                parameters.append("")
                continue
            }
            do {
                let result = try await sandbox.runScript(language: script.language, code: script.code ?? "",
                                                         parameters: parameters)
                steps.append(["script": .string(step == nil ? "example" : "check \(index + 1)"),
                              "exit": .int(result.exitCode), "stdout": .string(String(result.stdout.prefix(400))),
                              "stderr": .string(String(result.stderr.suffix(400)))])
                if result.exitCode != 0 {
                    details["steps"] = .array(steps)
                    return EpisodeGrade(reward: 0, details: .object(details))
                }
                parameters.append(result.stdout)
            } catch {
                details["steps"] = .array(steps)
                details["error"] = .string("the sandbox could not run check step \(index + 1): \(error)")
                return EpisodeGrade(reward: 0, details: .object(details))
            }
        }
        details["steps"] = .array(steps)
        return EpisodeGrade(reward: 1, details: .object(details))
    }

    func close() async {
        await sandbox.close()
    }
}
