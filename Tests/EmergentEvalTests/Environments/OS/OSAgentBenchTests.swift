import EmergentCore
import Foundation
import Testing
@testable import EmergentEval

/// AgentBench's os_interaction dev split, read unchanged, without AgentBench's script folder.
@Suite struct OSAgentBenchTests {
    static let devFile = AgentBenchData.file("os_interaction/dev.json") ?? URL(fileURLWithPath: "/nonexistent/dev.json")
    static var haveDevFile: Bool { FileManager.default.fileExists(atPath: devFile.path) }
    let env = OSEnvironment()

    @Test(.enabled(if: haveDevFile)) func devFileLoadsUnchanged() throws {
        let tasks = try env.loadTasks(from: Self.devFile)
        #expect(tasks.count == 26)
        #expect(tasks.first?.id == "agentbench-dev-0")
        let os = try tasks.map { try env.osTask($0) }
        #expect(os.filter { $0.evaluation.match != nil }.count == 5)
        #expect(os[0].start?.code?.contains("time.sleep(1)") == true)
        #expect(os[1].initScripts.first?.code?.hasPrefix("mkdir /root/r1") == true)
        #expect(os[10].initScripts.isEmpty)  // `create` is a list there; AgentBench ignores it
        #expect(os[21].initScripts.first?.code?.contains("1.helloworld") == true)  // init as a plain string
        #expect(os[6].evaluation.check?.first == .some(nil))
        #expect(os[6].evaluation.check?.last??.builtin == "integer-match")
        #expect(os[8].evaluation.check?.last??.builtin == "size-match")
        #expect(os[22].evaluation.check?.last??.builtin == "string-match")
        #expect(os[13].evaluation.example?.code == "nproc")
        #expect(os[25].missingFiles.first?.hasSuffix("scripts/init/stock-log.sh") == true)
        #expect(os[3].missingFiles.count == 2)
        let missing = os.enumerated().filter { !$0.element.missingFiles.isEmpty }.map(\.offset)
        #expect(missing == [3, 5, 25])
    }

    @Test(.enabled(if: haveDevFile)) func missingScriptsGiveAClearError() async throws {
        let tasks = try env.loadTasks(from: Self.devFile)
        for index in [3, 25] {
            do {
                let episode = try await env.makeEpisode(for: tasks[index], mode: .text)
                await episode.close()
                Issue.record("task \(index) should not start without its scripts")
            } catch let error as EnvironmentError {
                #expect(error.message.contains(index == 3 ? "check/0.sh" : "init/stock-log.sh"))
                #expect(error.recovery?.contains("scriptsDirectory") == true)
            }
        }
        #expect(throws: EnvironmentError.self) { try env.solution(for: tasks[6]) }
    }

    @Test(.enabled(if: haveDevFile)) func scriptsDirectoryIsUsedWhenGiven() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("os-scripts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("init"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "printf 'a | Bob | Sell | 1 | 2\\nb | Bob | Buy | 1 | 2\\nc | Bob | Sell | 3 | 4\\n' > /usr/stock.log"
            .write(to: dir.appendingPathComponent("init/stock-log.sh"), atomically: true, encoding: .utf8)
        let withScripts = OSEnvironment(scriptsDirectory: dir)
        let task = try withScripts.loadTasks(from: Self.devFile)[25]
        let outcome = try await Self.replayWithExample(withScripts, task)
        #expect(outcome.answer == "2")
        #expect(outcome.reward == 1)
    }

    /// Runs the task's example command as the agent's bash action, answers with its output, and grades.
    static func replayWithExample(_ env: OSEnvironment, _ task: EvalTask, mode: ActionMode = .text,
                                  wrong: Bool = false) async throws -> (answer: String, reward: Double) {
        let os = try env.osTask(task)
        let code = try #require(os.evaluation.example?.code)
        let episode = try await env.makeEpisode(for: task, mode: mode)
        do {
            _ = try await episode.start()
            let run: StepOutcome = mode == .text
                ? try await episode.step(.text("Think: run the check.\n\nAct: bash\n\n```bash\n\(code)\n```"))
                : try await episode.step(.call(ToolCall(id: "1", name: "bash_action", arguments: ["script": .string(code)])))
            var answer = run.observation.replacingOccurrences(of: "The output of the OS:\n\n", with: "")
            if answer == "The output of the OS is empty." { answer = "" }
            if wrong { answer = (OSMatching.integer(answer).map { String($0 + 1) }) ?? answer + "-nope" }
            let done = mode == .text
                ? try await episode.step(.text("Think: done.\n\nAct: answer(\(answer))"))
                : try await episode.step(.call(ToolCall(id: "2", name: "answer_action", arguments: ["answer": .string(answer)])))
            #expect(done.finish == .completed)
            let grade = try await episode.grade()
            await episode.close()
            return (answer, grade.reward)
        } catch {
            await episode.close()
            throw error
        }
    }

    @Test(.enabled(if: haveDevFile)) func checkTasksGradeTheirExampleOutputAsCorrect() async throws {
        let tasks = try env.loadTasks(from: Self.devFile)
        let runnable = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in runnable {
                group.addTask {
                    let mode: ActionMode = index % 2 == 0 ? .text : .functions
                    let right = try await Self.replayWithExample(env, tasks[index], mode: mode)
                    #expect(right.reward == 1, "task \(index) answered '\(right.answer)'")
                    let wrong = try await Self.replayWithExample(env, tasks[index], mode: mode, wrong: true)
                    #expect(wrong.reward == 0, "task \(index) accepted the wrong answer '\(wrong.answer)'")
                }
            }
            try await group.waitForAll()
        }
    }

    @Test(.enabled(if: haveDevFile)) func matchTasksSolvedByTheirOracle() async throws {
        let tasks = try env.loadTasks(from: Self.devFile)
        for index in [0, 1, 2, 4] {
            let outcome = try await EpisodeReplay.solve(env, tasks[index], mode: .text)
            #expect(outcome.result.reward == 1, "task \(index)")
            let wrong = try await EpisodeReplay.play(env, tasks[index], mode: .functions, actions: [
                .call(ToolCall(id: "1", name: "answer_action", arguments: ["answer": "2"]))])
            #expect(wrong.result.reward == 0, "task \(index)")
        }
    }

    @Test(.enabled(if: haveDevFile)) func backgroundWriterRunsAndItsIntervalCanBeMeasured() async throws {
        let task = try env.loadTasks(from: Self.devFile)[4]
        let outcome = try await EpisodeReplay.play(env, task, mode: .text, actions: [
            .text("Think: watch it.\n\nAct: bash\n\n```bash\nuntil [ -s /root/log ]; do sleep 0.05; done; sleep 0.5; a=$(wc -c < /root/log); sleep 3.2; b=$(wc -c < /root/log); echo $(( (b - a) / 7 ))\n```"),
            .text("Think: one write in 3.5 s.\n\nAct: answer(3)"),
        ])
        #expect(outcome.observations.first == "The output of the OS:\n\n1")
        #expect(outcome.result.reward == 1)
    }

    @Test(.enabled(if: haveDevFile)) func initThatSwitchesUsersFailsClearly() async throws {
        let task = try env.loadTasks(from: Self.devFile)[24]
        let episode = try await env.makeEpisode(for: task, mode: .text)
        await #expect(throws: EnvironmentError.self) { _ = try await episode.start() }
        await episode.close()
    }
}
