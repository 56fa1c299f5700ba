import EmergentCore
import Foundation

/// One DB episode: a private in-memory copy of the task's tables, the agent's SQL run against it, and the grade.
actor DBEpisode: Episode {
    let task: DBTask
    let mode: ActionMode
    let statementTimeout: Double
    private var database: DBDatabase?
    /// The committed answer items, once the agent answered.
    private var answer: [DBPyValue]?
    private var answerShown: String?

    init(task: DBTask, mode: ActionMode, statementTimeout: Double) {
        self.task = task
        self.mode = mode
        self.statementTimeout = statementTimeout
    }

    func start() async throws -> EpisodeOpening {
        database = try DBDatabase(tables: task.tables, format: task.format, statementTimeout: statementTimeout)
        answer = nil
        answerShown = nil
        let taskText = DBPrompts.taskText(question: task.question, addDescription: task.addDescription)
        switch mode {
        case .text:
            return EpisodeOpening(messages: [.user(DBPrompts.textInstructions), .assistant("Ok.")]
                + DBPrompts.example + [.user(taskText)])
        case .functions:
            return EpisodeOpening(messages: [.system(DBPrompts.functionInstructions), .user(taskText)],
                                  tools: DBPrompts.tools)
        }
    }

    func step(_ action: AgentAction) async throws -> StepOutcome {
        guard let database else { throw EnvironmentError("DB episode \(task.id): step() before start()") }
        let parsed: DBAction
        switch action {
        case .text(let reply):
            switch DBActionParser.parse(reply) {
            case .success(let value): parsed = value
            case .failure(let error):
                if mode == .functions {
                    return .invalidFormat("Invalid format: call execute_sql or commit_final_answer. " + error.message)
                }
                return .invalidFormat(error.message)
            }
        case .call(let call):
            switch Self.parseCall(call) {
            case .success(let value): parsed = value
            case .failure(let error): return .invalidFormat(error.message)
            }
        }
        switch parsed {
        case .operation(let sql):
            return .observe(database.run(sql).observation)
        case .answerText(let text):
            answer = DBGrader.answerItems(fromText: text)
            answerShown = text.trimmingCharacters(in: .whitespaces)
            return .completed("Final answer recorded.")
        case .answerList(let items):
            answer = items.map(DBPyValue.string)
            answerShown = DBPyValue.list(items.map(DBPyValue.string)).repr
            return .completed("Final answer recorded.")
        }
    }

    /// A function call as an action: `execute_sql(query)` or `commit_final_answer(answers)`.
    static func parseCall(_ call: ToolCall) -> Result<DBAction, DBActionFormatError> {
        let arguments = call.arguments.objectValue
        // AgentBench reads the first argument whatever its name; the named one is preferred here.
        func argument(_ name: String) -> JSONValue? {
            arguments?[name] ?? (arguments?.count == 1 ? arguments?.values.first : nil)
        }
        switch call.name {
        case "execute_sql":
            guard let sql = argument("query")?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines),
                  !sql.isEmpty
            else {
                return .failure(DBActionFormatError(message:
                    "Invalid arguments: execute_sql needs {\"query\": \"<one SQL statement>\"}."))
            }
            return .success(.operation(sql.replacingOccurrences(of: "\n", with: " ")))
        case "commit_final_answer":
            guard let value = argument("answers") else {
                return .failure(DBActionFormatError(message:
                    "Invalid arguments: commit_final_answer needs {\"answers\": [\"...\"]}."))
            }
            if let items = value.arrayValue {
                let strings = items.map { item -> String in
                    item.stringValue ?? DBTaskLoader.cellText(item) ?? item.compactJSON
                }
                return .success(.answerList(strings))
            }
            // A single string is read like the text protocol's `Final Answer:` text (it may be a list literal).
            if let single = value.stringValue { return .success(.answerText(single)) }
            if let number = DBTaskLoader.cellText(value) { return .success(.answerList([number])) }
            return .failure(DBActionFormatError(message: "Invalid arguments: 'answers' must be a list of strings."))
        default:
            return .failure(DBActionFormatError(message:
                "Invalid function '\(call.name)': the tools are execute_sql and commit_final_answer."))
        }
    }

    func grade() async throws -> EpisodeGrade {
        var details: JSONObject = [
            "type": .string(task.type),
            "category": .string(task.category),
            "answered": .bool(answer != nil),
        ]
        if let answerShown { details["given"] = .string(answerShown) }
        let correct: Bool
        if task.isMutation {
            let expected = try expectedHash()
            let reached = database?.tableHash()
            details["expected_hash"] = expected.map(JSONValue.string) ?? .null
            details["table_hash"] = reached.map(JSONValue.string) ?? .null
            correct = reached != nil && reached == expected
        } else {
            details["expected"] = .array(task.label.map(JSONValue.string))
            correct = answer.map { DBGrader.matches($0, label: task.label) } ?? false
        }
        details["correct"] = .bool(correct)
        return EpisodeGrade(reward: correct ? 1 : 0, details: .object(details))
    }

    /// The file's hash, or the hash the reference SQL reaches on a fresh copy of the tables.
    private func expectedHash() throws -> String? {
        if let given = task.expectedHash { return given }
        return try DBEnvironment.referenceHash(of: task, statementTimeout: statementTimeout)
    }

    func close() async {
        database = nil
    }
}
