import EmergentCore
import Foundation
import Testing
@testable import EmergentEval

/// The shipped dev tasks (oracle and wrong answers in both modes), the action format, and the task loader.
@Suite struct OSEnvironmentTests {
    let env = OSEnvironment()

    @Test func devTasksAreManyAndUnique() throws {
        let tasks = try env.devTasks()
        #expect(tasks.count >= 20)
        #expect(Set(tasks.map(\.id)).count == tasks.count)
        let checks = try tasks.filter { try env.osTask($0).evaluation.check != nil }
        #expect(checks.count >= 8)
    }

    @Test(arguments: ActionMode.allCases)
    func oracleSolvesEveryDevTask(mode: ActionMode) async throws {
        let tasks = try env.devTasks()
        let results = try await withThrowingTaskGroup(of: EpisodeResult.self) { group in
            for task in tasks {
                group.addTask { try await EpisodeReplay.solve(env, task, mode: mode).result }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for result in results {
            #expect(result.finish == .completed, "\(result.taskID)")
            #expect(result.reward == 1, "\(result.taskID): \(result.details.compactJSON)")
        }
        #expect(results.count == tasks.count)
        #expect(env.score(results).value == 1.0)
    }

    /// A plausible wrong answer for a match task; for check tasks, finishing without changing anything.
    static func wrongAction(_ task: OSTask, mode: ActionMode) -> AgentAction {
        var answer: String?
        if let match = task.evaluation.match {
            switch match.rule {
            case .integer: answer = String((Int(match.answer) ?? 0) + 1)
            case .size: answer = "2M"
            default: answer = match.answer + "x"
            }
        } else if task.solution?.answer != nil {
            answer = "0"
        }
        switch mode {
        case .text:
            return .text(answer.map { "Think: I guess.\n\nAct: answer(\($0))" } ?? "Think: Done.\n\nAct: finish")
        case .functions:
            return .call(answer.map { ToolCall(id: "w", name: "answer_action", arguments: ["answer": .string($0)]) }
                         ?? ToolCall(id: "w", name: "finish_action", arguments: [:]))
        }
    }

    @Test(arguments: ActionMode.allCases)
    func wrongAnswersScoreZero(mode: ActionMode) async throws {
        let tasks = try env.devTasks()
        let results = try await withThrowingTaskGroup(of: EpisodeResult.self) { group in
            for task in tasks {
                let action = Self.wrongAction(try env.osTask(task), mode: mode)
                group.addTask { try await EpisodeReplay.play(env, task, mode: mode, actions: [action]).result }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for result in results {
            #expect(result.finish == .completed, "\(result.taskID)")
            #expect(result.reward == 0, "\(result.taskID): \(result.details.compactJSON)")
        }
        #expect(env.score(results).value == 0)
    }

    @Test func openingFollowsAgentBenchProtocol() async throws {
        let task = try #require(try env.devTasks().first)
        let text = try await EpisodeReplay.play(env, task, mode: .text, actions: [])
        let messages = text.opening.messages
        #expect(messages.count == 7)
        #expect(messages[0].role == .user && messages[0].content.contains("Act: answer("))
        #expect(messages[1].role == .assistant && messages[1].content.contains("Act: bash"))
        #expect(messages[6].content.hasPrefix("Now, I will start a new problem in a new OS. My problem is:\n\n"))
        #expect(text.opening.tools.isEmpty)
        #expect(text.result.finish == .taskLimit && text.result.reward == 0)
        let functions = try await EpisodeReplay.play(env, task, mode: .functions, actions: [])
        #expect(functions.opening.tools.map(\.name) == ["bash_action", "answer_action", "finish_action"])
        #expect(functions.opening.messages.first?.role == .system)
    }

    @Test func replyWithoutActIsInvalidFormat() async throws {
        let task = try #require(try env.devTasks().first)
        let outcome = try await EpisodeReplay.play(env, task, mode: .text,
                                                   actions: [.text("I think the answer is 5.")])
        #expect(outcome.result.finish == .invalidFormat)
        #expect(outcome.observations.first?.contains("No action found") == true)
        #expect(outcome.result.reward == 0)
        let noParens = try await EpisodeReplay.play(env, task, mode: .text, actions: [.text("Think: x\n\nAct: answer 5")])
        #expect(noParens.result.finish == .invalidFormat)
        #expect(noParens.observations.first?.contains("parentheses") == true)
        let plain = try await EpisodeReplay.play(env, task, mode: .functions, actions: [.text("The answer is 5.")])
        #expect(plain.result.finish == .invalidFormat)
        #expect(plain.observations.first?.contains("Call one of bash_action") == true)
        let badArgs = try await EpisodeReplay.play(env, task, mode: .functions,
                                                   actions: [.call(ToolCall(id: "1", name: "bash_action", arguments: ["cmd": 3]))])
        #expect(badArgs.result.finish == .invalidFormat)
        #expect(badArgs.observations.first?.contains("'script'") == true)
    }

    @Test func unknownActionIsInvalidAction() async throws {
        let task = try #require(try env.devTasks().first)
        let outcome = try await EpisodeReplay.play(env, task, mode: .text,
                                                   actions: [.text("Think: go.\n\nAct: teleport(/root)")])
        #expect(outcome.result.finish == .invalidAction)
        #expect(outcome.observations.first?.contains("'teleport(/root)' is not an action") == true)
        let call = try await EpisodeReplay.play(env, task, mode: .functions,
                                                actions: [.call(ToolCall(id: "1", name: "teleport", arguments: [:]))])
        #expect(call.result.finish == .invalidAction)
        #expect(call.observations.first?.contains("no function 'teleport'") == true)
    }

    @Test func textModeAcceptsFunctionModeTextAndLastActWins() async throws {
        let task = try #require(try env.devTasks().first { $0.id == "os-015" })
        let reply = "Think: first Act: nothing\nAct: bash\n\n```bash\ncd /root\n```\n\n```bash\nawk '$1 % 2 == 0 {s += $1} END {print s}' numbers.txt\n```"
        let outcome = try await EpisodeReplay.play(env, task, mode: .functions,
                                                   actions: [.text(reply), .text("Act: answer(166)")])
        #expect(outcome.observations.first == "The output of the OS:\n\n166")
        #expect(outcome.result.reward == 1)
    }

    @Test func parserFollowsAgentBench() {
        #expect(OSActionParser.parse("Act: answer(f(x) = (1))") == .success(.answer("f(x) = (1)")))
        #expect(OSActionParser.parse("Act: Finish") == .success(.finish))
        #expect(OSActionParser.parse("Act: bash\n\n```bash\nls\n```\nAct: answer(3)") == .success(.answer("3")))
        #expect(OSActionParser.parse("Act: bash") == .success(.bash("")))
        #expect(OSActionParser.bashCode(in: "```bash\na\n```\ntext\n```bash\nb\nc\n```") == "a\n\nb\nc")
    }

    @Test func matchRules() {
        #expect(OSMatching.builtin("integer-match", [" 12\n", "12\n"]))
        #expect(!OSMatching.builtin("integer-match", ["12.0", "12"]))
        #expect(!OSMatching.builtin("integer-match", ["twelve", "12"]))
        #expect(OSMatching.builtin("string-match", ["installed\r\n", "installed\n"]))
        #expect(OSMatching.builtin("size-match", ["8.0K", "8K\n"]))
        #expect(OSMatching.builtin("size-match", ["8192", "8K"]))
        #expect(OSMatching.builtin("size-match", ["1.5MB", "1536K"]))
        #expect(!OSMatching.builtin("size-match", ["12K", "8.0K"]))
        #expect(OSMatching.builtin("containing", ["the answer is 42", "42"]))
        #expect(OSMatching.builtin("in", ["42", "the answer is 42"]))
        #expect(OSMatching.matches("3.000001", OSMatch(answer: "3", rule: .float)))
        #expect(!OSMatching.matches("3.1", OSMatch(answer: "3", rule: .float)))
        #expect(OSMatching.matches("v1.2.3", OSMatch(answer: "^v\\d+\\.\\d+", rule: .regex)))
        #expect(!OSMatching.matches(" log", OSMatch(answer: "log", rule: .exact, strip: false)))
        #expect(OSMatching.matches(" log ", OSMatch(answer: "log", rule: .exact, strip: true)))
    }

    @Test func loaderErrorsNameTheLineAndField() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("os-loader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func error(_ lines: [String]) throws -> String {
            let file = dir.appendingPathComponent("t-\(UUID().uuidString).jsonl")
            try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
            do {
                _ = try env.loadTasks(from: file)
                return "no error"
            } catch let error as EnvironmentError {
                #expect(error.message.contains(file.path))
                return error.message
            }
        }
        let good = #"{"id": "a", "description": "d", "evaluation": {"match": {"answer": "1"}}}"#
        #expect(try error([good, "{not json"]).contains(":2: not valid JSON"))
        #expect(try error([good, #"{"id": "b", "description": "d"}"#]).contains(":2: field 'evaluation'"))
        #expect(try error([good, good]).contains(":2: field 'id': 'a' is used twice"))
        #expect(try error([#"{"id": "a", "description": "d", "evaluation": {"match": {"answer": "1", "rule": "fuzzy"}}}"#])
            .contains(":1: field 'evaluation.match.rule': 'fuzzy'"))
        #expect(try error(["", #"{"id": "a", "description": "d", "evaluation": {"check": 5}}"#])
            .contains(":2: field 'evaluation.check'"))
        #expect(try error([#"{"id": "a", "descripton": "d", "evaluation": {"check": "true"}}"#])
            .contains(":1: field 'descripton' is not a task field"))
        let json = dir.appendingPathComponent("ab.json")
        try #"[{"description": "x", "evaluation": {"match": "1"}}, {"description": "y", "evaluation": {}}]"#
            .write(to: json, atomically: true, encoding: .utf8)
        #expect(throws: EnvironmentError.self) { try env.loadTasks(from: json) }
        do {
            _ = try env.loadTasks(from: json)
        } catch let error as EnvironmentError {
            #expect(error.message.contains("task 1: field 'evaluation' needs 'match' or 'check'"))
        }
    }
}
