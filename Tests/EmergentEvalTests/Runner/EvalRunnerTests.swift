import EmergentCore
@testable import EmergentEval
import EmergentEngine
import EmergentModels
import Foundation
import Testing

@Suite("Eval runner")
struct EvalRunnerTests {
    private func plans(_ environments: [any Environment]) throws -> [EvalRunner.Plan] {
        try environments.map { EvalRunner.Plan(environment: $0, tasks: try $0.devTasks()) }
    }

    @Test("a scripted agent that knows each solution scores 100% on every environment, in both modes",
          arguments: ActionMode.allCases)
    func oracleScoresFull(mode: ActionMode) async throws {
        let environments = EnvironmentCatalog.all()
        #expect(environments.map(\.name) == EnvironmentCatalog.names)
        let folder = temporaryRunFolder("oracle-\(mode.rawValue)")
        let directory = try EvalRunDirectory(url: folder, manifest: makeManifest("oracle", mode: mode))
        let summary = try await EvalRunner(plans: try plans(environments), mode: mode, concurrency: 4)
            .run(agents: ScriptedAgents(environments, mode: mode), into: directory)
        #expect(summary.environments.count == 5)
        for part in summary.environments {
            #expect(part.tasks >= 20, "\(part.environment) ships \(part.tasks) tasks")
            #expect(part.score == 1, "\(part.environment) \(mode): \(part.score) \(part.finishes)")
            #expect(part.finishes == ["completed": part.episodes], "\(part.environment): \(part.finishes)")
        }
        // Each environment at its weight's average level scores OA = score / weight; all at 100% is well above 1.
        #expect((summary.overall ?? 0) > 3)
    }

    @Test("an agent whose replies follow no action format scores 0, every episode ending invalid_format")
    func nonsenseScoresZero() async throws {
        let environments = EnvironmentCatalog.all()
        let directory = try EvalRunDirectory(url: temporaryRunFolder("nonsense"), manifest: makeManifest("nonsense"))
        let runner = EvalRunner(plans: try plans(environments).map { EvalRunner.Plan(environment: $0.environment, tasks: Array($0.tasks.prefix(4))) },
                                mode: .text, concurrency: 2)
        let summary = try await runner.run(agents: ScriptedAgents(environments, mode: .text, policy: .nonsense), into: directory)
        for part in summary.environments {
            #expect(part.score == 0, "\(part.environment)")
            #expect(part.finishes["invalid_format"] == 4, "\(part.environment): \(part.finishes)")
        }
        #expect(summary.overall == 0)
    }

    @Test("well-formed but invalid actions are counted as invalid_action, malformed ones as invalid_format")
    func finishReasonsCounted() async throws {
        let environment = try EnvironmentCatalog.environment("os")
        let tasks = Array(try environment.devTasks().prefix(6))
        let directory = try EvalRunDirectory(url: temporaryRunFolder("finishes"), manifest: makeManifest("finishes"))
        // Even tasks get an action that does not exist, odd ones a reply without any action.
        let agents = PerTaskAgents { task in
            let number = Int(task.id.filter(\.isNumber)) ?? 0
            return number % 2 == 0 ? "Think: I will teleport.\n\nAct: teleport" : "I would rather not."
        }
        let summary = try await EvalRunner(plans: [EvalRunner.Plan(environment: environment, tasks: tasks)], mode: .text,
                                           concurrency: 3).run(agents: agents, into: directory)
        let part = try #require(summary.environments.first)
        #expect(part.finishes == ["invalid_action": 3, "invalid_format": 3], "\(part.finishes)")
        #expect(part.score == 0)
        #expect(summary.table().contains("invalid_action 3") && summary.table().contains("invalid_format 3"))
    }

    @Test("concurrency 4 gives the same results as concurrency 1")
    func concurrencyDoesNotChangeScores() async throws {
        let environments = try ["db", "kg", "household", "webshop", "os"].map(EnvironmentCatalog.environment)
        var outcomes: [[EvalRecord]] = []
        for concurrency in [1, 4] {
            let directory = try EvalRunDirectory(url: temporaryRunFolder("c\(concurrency)"), manifest: makeManifest("c"))
            let runner = EvalRunner(plans: try plans(environments).map { EvalRunner.Plan(environment: $0.environment, tasks: Array($0.tasks.prefix(8))) },
                                    mode: .text, concurrency: concurrency)
            try await runner.run(agents: ScriptedAgents(environments, mode: .text, policy: .alternating), into: directory)
            outcomes.append(await directory.allRecords())
        }
        let strip: (EvalRecord) -> EpisodeResult = { $0.result }
        #expect(outcomes[0].map(strip) == outcomes[1].map(strip))
        let rewards = outcomes[0].map(\.result.reward)
        #expect(rewards.contains(1) && rewards.contains(0), "the alternating agent must both pass and fail")
    }

    @Test("an interrupted run resumes without redoing finished episodes, and ends with the same results")
    func resumesAfterInterruption() async throws {
        let environment = try EnvironmentCatalog.environment("db")
        let tasks = Array(try environment.devTasks().prefix(12))
        let folder = temporaryRunFolder("resume")
        let plan = [EvalRunner.Plan(environment: environment, tasks: tasks)]
        let stopper = StopAfter(episodes: 5)
        let first = Task {
            let directory = try EvalRunDirectory(url: folder, manifest: makeManifest("resume"))
            try await EvalRunner(plans: plan, mode: .text, concurrency: 2)
                .run(agents: ScriptedAgents([environment], mode: .text), into: directory, progress: stopper)
        }
        await stopper.waitUntilReached()
        first.cancel()
        _ = await first.result
        let partial = try EvalRunDirectory(url: folder, manifest: makeManifest("resume"))
        let finishedBefore = await partial.finishedKeys().count
        #expect(finishedBefore >= 5 && finishedBefore < tasks.count, "\(finishedBefore) finished before the interruption")

        let agents = ScriptedAgents([environment], mode: .text)
        let summary = try await EvalRunner(plans: plan, mode: .text, concurrency: 2).run(agents: agents, into: partial)
        #expect(agents.episodesStarted == tasks.count - finishedBefore)
        #expect(await partial.allRecords().count == tasks.count)
        #expect(summary.environments.first?.score == 1)

        // Everything done: a third run starts no episode.
        let idle = ScriptedAgents([environment], mode: .text)
        try await EvalRunner(plans: plan, mode: .text).run(agents: idle, into: partial)
        #expect(idle.episodesStarted == 0)
    }

    @Test("a results line cut short by a crash is dropped and that episode runs again; a damaged line elsewhere is named")
    func tornResultsLine() async throws {
        let environment = try EnvironmentCatalog.environment("db")
        let tasks = Array(try environment.devTasks().prefix(3))
        let folder = temporaryRunFolder("torn")
        let plan = [EvalRunner.Plan(environment: environment, tasks: tasks)]
        let directory = try EvalRunDirectory(url: folder, manifest: makeManifest("torn"))
        try await EvalRunner(plans: plan, mode: .text).run(agents: ScriptedAgents([environment], mode: .text), into: directory)
        let results = folder.appendingPathComponent("results.jsonl")
        var text = try String(contentsOf: results, encoding: .utf8)
        text.removeLast(40)  // the last line loses its end (and its newline)
        try text.write(to: results, atomically: true, encoding: .utf8)
        let reopened = try EvalRunDirectory(url: folder, manifest: makeManifest("torn"))
        #expect(await reopened.finishedKeys().count == 2)
        let agents = ScriptedAgents([environment], mode: .text)
        try await EvalRunner(plans: plan, mode: .text).run(agents: agents, into: reopened)
        #expect(agents.episodesStarted == 1)
        let lines = try String(contentsOf: results, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)

        try (String(lines[0]) + "\n{broken\n" + String(lines[1]) + "\n").write(to: results, atomically: true, encoding: .utf8)
        #expect { try EvalRunDirectory(url: folder, manifest: makeManifest("torn")) } throws: { error in
            String(describing: error).contains("results.jsonl:2")
        }
    }

    @Test("a directory holding another agent's run is refused")
    func otherAgentRefused() throws {
        let folder = temporaryRunFolder("other")
        _ = try EvalRunDirectory(url: folder, manifest: makeManifest("a", agent: "model-a"))
        #expect { try EvalRunDirectory(url: folder, manifest: makeManifest("b", agent: "model-b")) } throws: { error in
            String(describing: error).contains("model-a") && String(describing: error).contains("--out")
        }
    }

    @Test("the turn limit ends an episode with task_limit after exactly roundLimit turns")
    func taskLimit() async throws {
        let environment = try EnvironmentCatalog.environment("db")
        let task = try #require(try environment.devTasks().first)
        let probe = try environment.solution(for: task)
        let first = try #require(probe.first)
        // Repeating a step that does not end the episode (the first step of the solution, a query).
        let agents = ScriptedAgents([environment], mode: .text,
                                    policy: .fixed(Array(repeating: .text(first), count: environment.roundLimit + 3)))
        let trajectory = try #require(await EpisodeRunner(environment: environment, mode: .text)
            .run(task, attempt: 0, agent: try await agents.agent(for: task, attempt: 0)))
        #expect(trajectory.finish == .taskLimit)
        #expect(trajectory.turns.count == environment.roundLimit)
        #expect(trajectory.reward == 0)
    }

    @Test("a prompt too long for the model ends with context_limit; other backend failures with agent_error")
    func backendFailures() async throws {
        let environment = try EnvironmentCatalog.environment("db")
        let task = try #require(try environment.devTasks().first)
        let runner = EpisodeRunner(environment: environment, mode: .text)
        let tooLong = EvalAgent(label: "x", model: FailingModel(error: EngineError.promptTooLong(promptTokens: 9000, contextTokens: 8192)))
        let overflow = try #require(await runner.run(task, attempt: 0, agent: tooLong))
        #expect(overflow.finish == .contextLimit)
        let broken = EvalAgent(label: "x", model: ScriptedModel([]))
        let failed = try #require(await runner.run(task, attempt: 0, agent: broken))
        #expect(failed.finish == .agentError)
        #expect(failed.error?.contains("model failed") == true)
    }

    @Test("trajectories hold the whole conversation and round-trip through their JSON file")
    func trajectoryFile() async throws {
        let environment = try EnvironmentCatalog.environment("kg")
        let tasks = Array(try environment.devTasks().prefix(2))
        let folder = temporaryRunFolder("traj")
        let directory = try EvalRunDirectory(url: folder, manifest: makeManifest("traj", mode: .functions))
        try await EvalRunner(plans: [EvalRunner.Plan(environment: environment, tasks: tasks)], mode: .functions)
            .run(agents: ScriptedAgents([environment], mode: .functions), into: directory)
        for record in await directory.allRecords() {
            let trajectory = try directory.trajectory(of: record)
            // (details are compared as text: JSON writes 1.0 as 1)
            #expect(trajectory.result.taskID == record.result.taskID && trajectory.result.finish == record.result.finish)
            #expect(trajectory.result.reward == record.result.reward && trajectory.result.rounds == record.result.rounds)
            #expect(trajectory.details["f1"]?.doubleValue == record.result.details["f1"]?.doubleValue)
            #expect(!trajectory.tools.isEmpty)
            #expect(trajectory.messages.count > trajectory.openingCount)
            let calls = trajectory.messages.flatMap(\.toolCalls)
            #expect(calls.count == trajectory.turns.flatMap(\.calls).count)
            #expect(trajectory.messages.filter { $0.role == .tool }.count == calls.count)
            let again = try JSONDecoder.iso.decode(EvalTrajectory.self, from: try trajectory.jsonData())
            #expect(try again.jsonData() == trajectory.jsonData())
            #expect(again.messages == trajectory.messages)
        }
    }
}

/// Stops waiting once `episodes` episodes have been saved.
actor StopAfter: EvalProgress {
    private let target: Int
    private var seen = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(episodes: Int) { target = episodes }

    func planned(_ environments: [(name: String, total: Int, done: Int)]) {}

    func finished(_ record: EvalRecord) {
        seen += 1
        if seen >= target {
            for waiter in waiters { waiter.resume() }
            waiters.removeAll()
        }
    }

    func waitUntilReached() async {
        if seen >= target { return }
        await withCheckedContinuation { waiters.append($0) }
    }
}

/// One fixed text reply per task, chosen by `reply`.
struct PerTaskAgents: EvalAgentProvider {
    let reply: @Sendable (EvalTask) -> String

    func agent(for task: EvalTask, attempt: Int) async throws -> EvalAgent {
        EvalAgent(label: "scripted", model: ScriptedModel([.text(reply(task))]))
    }
}

/// A backend whose every call fails with `error`.
struct FailingModel: LanguageModel {
    let error: any Error

    func stream(_ request: ChatRequest) -> AsyncThrowingStream<ModelEvent, any Error> {
        AsyncThrowingStream { $0.finish(throwing: error) }
    }
}

extension JSONDecoder {
    static var iso: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
