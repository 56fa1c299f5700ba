import EmergentCore
import Foundation
import Testing
@testable import EmergentEval

/// The shipped DB tasks, the episode protocol and the loader.
@Suite struct DBEnvironmentTests {
    let environment = DBEnvironment()

    func shipped() throws -> [EvalTask] { try environment.devTasks() }

    /// A plausible but wrong agent: answers a wrong value, or for a mutation answers without changing anything.
    static func wrongActions(_ task: EvalTask, mode: ActionMode) throws -> [AgentAction] {
        let dbTask = try DBTask(task)
        let wrong = dbTask.isMutation ? ["done"] : ["not \(dbTask.label.first ?? "it")", "0.5"]
        switch mode {
        case .text:
            return [.text("I believe the answer is this.\nAction: Answer\nFinal Answer: \(DBPyValue.list(wrong.map(DBPyValue.string)).repr)")]
        case .functions:
            return [.call(ToolCall(id: "w1", name: "commit_final_answer",
                                   arguments: .object(["answers": .array(wrong.map(JSONValue.string))])))]
        }
    }

    @Test func shipsEnoughVariedTasks() throws {
        let tasks = try shipped().map(DBTask.init)
        #expect(tasks.count >= 20)
        let types = Set(tasks.map(\.type))
        for type in ["counting", "comparison", "ranking", "other", "aggregation-SUM", "aggregation-AVG",
                     "aggregation-MAX", "aggregation-MIN", "INSERT", "UPDATE", "DELETE"] {
            #expect(types.contains(type), "no \(type) task")
        }
        #expect(tasks.contains { $0.tables.count > 1 })
        #expect(Set(tasks.map(\.id)).count == tasks.count)
    }

    @Test(arguments: ActionMode.allCases) func oracleSolvesEveryShippedTask(mode: ActionMode) async throws {
        var results: [EpisodeResult] = []
        for task in try shipped() {
            let outcome = try await EpisodeReplay.solve(environment, task, mode: mode)
            #expect(outcome.result.finish == .completed, "\(task.id): \(outcome.observations)")
            #expect(outcome.result.reward == 1, "\(task.id): \(outcome.result.details.compactJSON)")
            results.append(outcome.result)
        }
        let score = environment.score(results)
        #expect(score.value == 1)
        #expect(score.breakdown["SELECT"] == 1 && score.breakdown["DELETE"] == 1)
    }

    @Test(arguments: ActionMode.allCases) func wrongAnswersScoreZero(mode: ActionMode) async throws {
        var results: [EpisodeResult] = []
        for task in try shipped() {
            let outcome = try await EpisodeReplay.play(environment, task, mode: mode,
                                                       actions: try Self.wrongActions(task, mode: mode))
            #expect(outcome.result.finish == .completed)
            #expect(outcome.result.reward == 0, "\(task.id) scored with a wrong answer")
            results.append(outcome.result)
        }
        #expect(environment.score(results).value == 0)
    }

    @Test func textOpeningHasInstructionsExampleAndTask() async throws {
        let task = try #require(try shipped().first)
        let episode = try await environment.makeEpisode(for: task, mode: .text)
        let opening = try await episode.start()
        await episode.close()
        #expect(opening.tools.isEmpty)
        #expect(opening.messages.first?.content.contains("Action: Operation") == true)
        #expect(opening.messages.contains { $0.role == .assistant && $0.content.contains("Final Answer: [\"3\"]") })
        #expect(opening.messages.last?.content.hasPrefix("How many employees work in the Engineering department?\nThe name of this table is employees") == true)
    }

    @Test func functionOpeningOffersTheTwoTools() async throws {
        let task = try #require(try shipped().first)
        let episode = try await environment.makeEpisode(for: task, mode: .functions)
        let opening = try await episode.start()
        await episode.close()
        #expect(opening.tools.map(\.name) == ["execute_sql", "commit_final_answer"])
        #expect(opening.messages.first?.role == .system)
    }

    func play(_ taskID: String, _ actions: [AgentAction], mode: ActionMode = .text) async throws -> EpisodeReplay.Outcome {
        let task = try #require(try shipped().first { $0.id == taskID })
        return try await EpisodeReplay.play(environment, task, mode: mode, actions: actions)
    }

    static func operation(_ sql: String) -> AgentAction {
        .text("Let me look.\nAction: Operation\n```sql\n\(sql)\n```")
    }

    @Test func sqlErrorIsAnObservationAndTheEpisodeGoesOn() async throws {
        let outcome = try await play("db-dev-001", [
            Self.operation("SELECT nosuchcolumn FROM employees;"),
            Self.operation("SELECT COUNT(*) FROM employees WHERE department = 'Engineering';"),
            .text("Done.\nAction: Answer\nFinal Answer: [\"5\"]"),
        ])
        #expect(outcome.observations[0].contains("no such column: nosuchcolumn"))
        #expect(outcome.observations[1] == "[(5,)]")
        #expect(outcome.result.finish == .completed && outcome.result.reward == 1)
    }

    @Test func moreThanOneStatementIsRefusedAsAnObservation() async throws {
        let outcome = try await play("db-dev-001", [
            Self.operation("DELETE FROM employees; SELECT 1;"),
            Self.operation("SELECT COUNT(*) FROM employees;"),
        ])
        #expect(outcome.observations[0].contains("Only one SQL statement"))
        #expect(outcome.observations[1] == "[(15,)]")
        #expect(outcome.result.finish == .taskLimit)
    }

    @Test func unsupportedMySQLIsExplained() async throws {
        let outcome = try await play("db-dev-007", [
            Self.operation("SELECT DATE_FORMAT(hire_date, '%Y') FROM employees;"),
        ])
        #expect(outcome.observations[0].contains("MySQL's DATE_FORMAT() is not supported here; use strftime"))
    }

    @Test func replyWithoutActionIsInvalidFormat() async throws {
        let outcome = try await play("db-dev-001", [.text("I think there are five engineers.")])
        #expect(outcome.result.finish == .invalidFormat)
        #expect(outcome.observations[0].contains("Invalid format"))
        #expect(outcome.result.reward == 0)
    }

    @Test func operationWithoutSQLBlockIsInvalidFormat() async throws {
        let outcome = try await play("db-dev-001", [.text("Action: Operation\nSELECT COUNT(*) FROM employees;")])
        #expect(outcome.result.finish == .invalidFormat)
        #expect(outcome.observations[0].contains("```sql"))
    }

    @Test func unknownToolAndBadArgumentsAreInvalidFormat() async throws {
        let unknown = try await play("db-dev-001", [.call(ToolCall(id: "1", name: "drop_db", arguments: .object([:])))],
                                     mode: .functions)
        #expect(unknown.result.finish == .invalidFormat)
        #expect(unknown.observations[0].contains("execute_sql and commit_final_answer"))
        let bad = try await play("db-dev-001", [.call(ToolCall(id: "1", name: "execute_sql",
                                                               arguments: .object(["query": .int(3), "x": .int(1)])))],
                                 mode: .functions)
        #expect(bad.result.finish == .invalidFormat)
        #expect(bad.observations[0].contains("execute_sql needs"))
    }

    @Test func functionsModeAcceptsATextActionAndRefusesPlainText() async throws {
        let parsed = try await play("db-dev-001", [.text("Action: Answer\nFinal Answer: [\"5\"]")], mode: .functions)
        #expect(parsed.result.finish == .completed && parsed.result.reward == 1)
        let plain = try await play("db-dev-001", [.text("Five.")], mode: .functions)
        #expect(plain.result.finish == .invalidFormat)
        #expect(plain.observations[0].contains("call execute_sql or commit_final_answer"))
    }

    @Test func commitFinalAnswerAcceptsAListOrOneString() async throws {
        let list = try await play("db-dev-009", [.call(ToolCall(id: "1", name: "commit_final_answer", arguments: .object(
            ["answers": .array(["Harbor Lights", "Emberfall", "Ashes of the North"])])))], mode: .functions)
        #expect(list.result.reward == 1)
        let text = try await play("db-dev-009", [.call(ToolCall(id: "1", name: "commit_final_answer", arguments: .object(
            ["answers": .string("['Emberfall', 'Harbor Lights', 'Ashes of the North']")])))], mode: .functions)
        #expect(text.result.reward == 1)
        let number = try await play("db-dev-001", [.call(ToolCall(id: "1", name: "commit_final_answer",
                                                                  arguments: .object(["answers": .int(5)])))], mode: .functions)
        #expect(number.result.reward == 1)
    }

    @Test func everyEpisodeStartsFromAFreshCopy() async throws {
        let deleted = try await play("db-dev-023", [Self.operation("DELETE FROM `Book Sales`;")])
        #expect(deleted.observations[0] == "[]")
        let after = try await play("db-dev-023", [Self.operation("SELECT COUNT(*) FROM `Book Sales`;")])
        #expect(after.observations[0] == "[(13,)]")
    }

    @Test func concurrentEpisodesDoNotShareTables() async throws {
        let task = try #require(try shipped().first { $0.id == "db-dev-023" })
        let first = try await environment.makeEpisode(for: task, mode: .text)
        let second = try await environment.makeEpisode(for: task, mode: .text)
        _ = try await first.start()
        _ = try await second.start()
        _ = try await first.step(Self.operation("DELETE FROM `Book Sales` WHERE `Year published` < 1950"))
        let count = try await second.step(Self.operation("SELECT COUNT(*) FROM `Book Sales`"))
        #expect(count.observation == "[(13,)]")
        #expect(try await first.grade().reward == 1)
        #expect(try await second.grade().reward == 0)
        await first.close()
        await second.close()
    }

    @Test func gradeMidEpisodeWithoutAnswerIsZero() async throws {
        let outcome = try await play("db-dev-001", [Self.operation("SELECT 1")])
        #expect(outcome.result.finish == .taskLimit)
        #expect(outcome.result.reward == 0)
        #expect(outcome.result.details["answered"] == .bool(false))
        #expect(outcome.result.details["type"] == .string("counting"))
    }

    @Test func mutationDoneThenAnythingAnsweredScores() async throws {
        let outcome = try await play("db-dev-023", [
            Self.operation("DELETE FROM `Book Sales` WHERE `Year published` < 1950;"),
            .text("Action: Answer\nFinal Answer: [\"whatever\"]"),
        ])
        #expect(outcome.result.reward == 1)
        #expect(outcome.result.details["table_hash"] == outcome.result.details["expected_hash"])
    }

    @Test func scoreAveragesTheCategoriesPresent() {
        func result(_ type: String, _ reward: Double) -> EpisodeResult {
            EpisodeResult(taskID: UUID().uuidString, environment: "db", finish: .completed, reward: reward, rounds: 1,
                          details: .object(["type": .string(type)]))
        }
        let score = environment.score([result("counting", 1), result("ranking", 0), result("INSERT", 1),
                                       result("UPDATE", 0), result("UPDATE", 1)])
        #expect(score.breakdown["counting"] == 1 && score.breakdown["ranking"] == 0)
        #expect(score.breakdown["SELECT"] == 0.5 && score.breakdown["INSERT"] == 1 && score.breakdown["UPDATE"] == 0.5)
        #expect(abs(score.value - (0.5 + 1 + 0.5) / 3) < 1e-12)
        #expect(score.episodes == 5)
    }

    // MARK: loader

    func write(_ lines: [String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("db-\(UUID().uuidString).jsonl")
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    static let goodLine = #"{"id":"t1","type":"counting","question":"How many?","tables":[{"name":"t","columns":[{"name":"a","type":"INT"}],"rows":[["1"],["2"]]}],"solution":["SELECT COUNT(*) FROM t"],"answer":["2"]}"#

    @Test func loaderNamesTheLineAndField() throws {
        let missingAnswer = #"{"id":"t2","type":"counting","question":"How many?","tables":[{"name":"t","columns":[{"name":"a"}],"rows":[]}],"solution":["SELECT 1"]}"#
        let badRow = #"{"id":"t3","type":"INSERT","question":"Add","tables":[{"name":"t","columns":[{"name":"a"}],"rows":[["1","2"]]}],"solution":["SELECT 1"]}"#
        let cases: [(String, String)] = [
            ("{not json", ":2: not valid JSON"),
            (missingAnswer, ":2: field 'answer'"),
            (badRow, ":2: field 'tables[0].rows[0]' must be a list of 1 values"),
            (#"{"id":"t4","type":"guessing","question":"q","tables":[],"solution":[]}"#, ":2: field 'type'"),
            (#"{"description":"q","table":{"table_name":"t","table_info":{"columns":[{"name":"a","type":"TEXT"}],"rows":[]}},"type":["UPDATE"],"label":[]}"#,
             ":2: field 'answer_md5'"),
        ]
        for (line, expected) in cases {
            let url = try write([Self.goodLine, line])
            defer { try? FileManager.default.removeItem(at: url) }
            let error = #expect(throws: EnvironmentError.self) { try environment.loadTasks(from: url) }
            #expect(error?.message.contains(expected) == true, "\(error?.message ?? "") lacks \(expected)")
            #expect(error?.message.contains(url.path) == true)
        }
    }

    @Test func loaderRefusesDuplicateIDs() throws {
        let url = try write([Self.goodLine, Self.goodLine])
        defer { try? FileManager.default.removeItem(at: url) }
        let error = #expect(throws: EnvironmentError.self) { try environment.loadTasks(from: url) }
        #expect(error?.message.contains("'t1' appears twice") == true)
    }

    @Test func payloadRoundTrips() throws {
        for task in try shipped() {
            #expect(try DBTask(task).evalTask == task)
        }
    }
}
