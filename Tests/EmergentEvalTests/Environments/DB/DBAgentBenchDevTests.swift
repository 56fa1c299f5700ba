import EmergentCore
import Foundation
import Testing
@testable import EmergentEval

/// AgentBench v0.2's 60 dbbench dev tasks, run unchanged.
@Suite struct DBAgentBenchDevTests {
    static let devFile = URL(fileURLWithPath: "/work/main/../shared/data/agentbench-v0.2/dbbench/dev.jsonl")
    static var available: Bool { FileManager.default.fileExists(atPath: devFile.path) }

    /// What the reference SQL of one task gives: whether it reproduces the label or the expected hash.
    static func reproduces(_ task: DBTask) throws -> (ok: Bool, note: String) {
        if task.isMutation {
            let reached = try DBEnvironment.referenceHash(of: task, statementTimeout: 10)
            return (reached == task.expectedHash, "hash \(reached ?? "nil") vs \(task.expectedHash ?? "nil")")
        }
        guard let sql = task.referenceSQL.first else { return (false, "no reference SQL") }
        let database = try DBDatabase(tables: task.tables, format: task.format)
        let outcome = database.run(sql)
        guard case .rows(let rows) = outcome else { return (false, "error: \(outcome.observation)") }
        let firstColumn = rows.compactMap(\.first).map { DBPyValue.string(DBDatabase.mysqlText($0) ?? "None") }
        if DBGrader.matches(firstColumn, label: task.label) { return (true, "") }
        let normalized = firstColumn.map { item -> DBPyValue in
            if case .string(let text) = item, text == "None" { return .string("none") }
            return item
        }
        if rows.isEmpty && task.label.map({ $0.lowercased() }) == ["none"] { return (true, "empty result = none") }
        if DBGrader.matches(normalized, label: task.label) { return (true, "NULL = none") }
        return (false, "got \(outcome.observation.prefix(200)) want \(task.label.prefix(5))")
    }

    @Test(.enabled(if: available)) func referenceSQLReport() throws {
        let tasks = try DBTaskLoader.load(Self.devFile)
        #expect(tasks.count == 60)
        var passing = 0
        for task in tasks {
            let (ok, note) = try Self.reproduces(task)
            if ok { passing += 1 }
            print("DBDEV \(task.id) [\(task.type)] \(ok ? "ok" : "FAIL") \(note) :: \(task.referenceSQL.first ?? "")")
        }
        print("DBDEV reproduced \(passing)/60")
    }
}
