import EmergentCore
import Foundation

/// AgentBench's DB environment (dbbench) on SQLite: each task brings its table(s) and a question; the agent runs
/// MySQL-dialect SQL (translated for SQLite) and answers, or changes the table. SELECT-type tasks are graded by
/// the answer list, INSERT/UPDATE/DELETE tasks by a hash of the resulting table, both as AgentBench v0.2 does.
/// Reads Emergent's task JSONL and AgentBench's dbbench JSONL.
public struct DBEnvironment: Environment {
    public let name = "db"
    public let title = "Database"
    /// AgentBench's `max_round` for dbbench.
    public let roundLimit = 15
    public let metricName = "success rate"
    /// The longest one SQL statement may run (seconds) before it is stopped with an error observation.
    public let statementTimeout: Double

    public init(statementTimeout: Double = 10) {
        self.statementTimeout = statementTimeout
    }

    public func devTasks() throws -> [EvalTask] {
        try loadTasks(from: BundledData.tasksFile(name))
    }


    public func loadTasks(from file: URL) throws -> [EvalTask] {
        try DBTaskLoader.load(file).map(\.evalTask)
    }

    public func makeEpisode(for task: EvalTask, mode: ActionMode) async throws -> any Episode {
        DBEpisode(task: try DBTask(task), mode: mode, statementTimeout: statementTimeout)
    }

    /// AgentBench v0.2's metric: the success rate of each query type and of each category (SELECT — every
    /// question type —, INSERT, UPDATE, and DELETE here), and as the overall value the mean over the categories
    /// present (AgentBench's `overall_cat_accuracy`: the mean of SELECT, INSERT and UPDATE).
    public func score(_ results: [EpisodeResult]) -> EnvironmentScore {
        var byType: [String: (correct: Double, total: Int)] = [:]
        var byCategory: [String: (correct: Double, total: Int)] = [:]
        for result in results {
            let type = result.details["type"]?.stringValue ?? "other"
            let category = DBTask.mutationTypes.contains(type) ? type : "SELECT"
            byType[type, default: (0, 0)].correct += result.reward
            byType[type, default: (0, 0)].total += 1
            byCategory[category, default: (0, 0)].correct += result.reward
            byCategory[category, default: (0, 0)].total += 1
        }
        var breakdown: [String: Double] = [:]
        for (type, tally) in byType { breakdown[type] = tally.correct / Double(tally.total) }
        for (category, tally) in byCategory { breakdown[category] = tally.correct / Double(tally.total) }
        let categoryRates = byCategory.values.map { $0.correct / Double($0.total) }
        let value = categoryRates.isEmpty ? 0 : categoryRates.reduce(0, +) / Double(categoryRates.count)
        return EnvironmentScore(value: value, breakdown: breakdown, episodes: results.count)
    }

    // MARK: oracle

    public func solution(for task: EvalTask) throws -> [String] {
        let plan = try oraclePlan(for: DBTask(task))
        var replies = plan.operations.map { sql in
            "I will run this statement to work on the question.\nAction: Operation\n```sql\n\(sql)\n```"
        }
        replies.append("I have what I need.\nAction: Answer\nFinal Answer: \(DBPyValue.list(plan.answer.map(DBPyValue.string)).repr)")
        return replies
    }

    public func solutionCalls(for task: EvalTask) throws -> [ToolCall] {
        let plan = try oraclePlan(for: DBTask(task))
        var calls = plan.operations.enumerated().map { index, sql in
            ToolCall(id: "call_\(index + 1)", name: "execute_sql", arguments: .object(["query": .string(sql)]))
        }
        calls.append(ToolCall(id: "call_\(calls.count + 1)", name: "commit_final_answer",
                              arguments: .object(["answers": .array(plan.answer.map(JSONValue.string))])))
        return calls
    }

    /// The oracle: mutations run the reference SQL and answer anything; questions run the reference query when
    /// it runs here (AgentBench's `sql.query` is sometimes broken) and answer the label.
    private func oraclePlan(for task: DBTask) throws -> (operations: [String], answer: [String]) {
        if task.isMutation {
            guard !task.referenceSQL.isEmpty else {
                throw EnvironmentError("DB task \(task.id) has no reference SQL, so it has no oracle solution")
            }
            return (task.referenceSQL, ["done"])
        }
        let database = try DBDatabase(tables: task.tables, format: task.format, statementTimeout: statementTimeout)
        let working = task.referenceSQL.filter { sql in
            if case .rows = database.run(sql) { return true }
            return false
        }
        return (working, task.label)
    }

    /// The table hash the task's reference SQL reaches on a fresh copy of its tables.
    static func referenceHash(of task: DBTask, statementTimeout: Double) throws -> String? {
        let database = try DBDatabase(tables: task.tables, format: task.format, statementTimeout: statementTimeout)
        for sql in task.referenceSQL {
            if case .error(let message) = database.run(sql) {
                throw EnvironmentError("DB task \(task.id): its reference SQL fails here: \(message)")
            }
        }
        return database.tableHash()
    }
}
