import EmergentAgents
import EmergentCore
import Foundation
import GRDB

extension SQLiteStore {
    /// What a run that was going when the server stopped says as its error.
    public static let interruptedRunError =
        "The server stopped while this run was going; it was marked interrupted on the next start."

    public func createRun(_ run: StoredRun) async throws {
        let row = try RunRow(run)
        try await write("create run \(run.id)") { db in
            let conversation = try Self.existingConversation(run.conversationID, in: db)
            guard conversation.agentId == run.agentID else {
                throw StoreError.conflict(
                    "run \(run.id) is for agent \(run.agentID), but conversation \(run.conversationID) belongs to "
                        + "agent \(conversation.agentId)")
            }
            guard try !RunRow.exists(db, key: run.id) else {
                throw StoreError.conflict("a run with id '\(run.id)' already exists; give each run a new id")
            }
            try row.insert(db)
        }
    }

    public func run(_ id: String) async throws -> StoredRun? {
        try await read("read run \(id)") { db in try RunRow.fetchOne(db, key: id)?.record() }
    }

    public func runs(in conversationID: String) async throws -> [StoredRun] {
        try await read("list the runs of conversation \(conversationID)") { db in
            _ = try Self.existingConversation(conversationID, in: db)
            return try RunRow.filter(Column("conversation_id") == conversationID)
                .order(Column("created_at"), Column.rowID)
                .fetchAll(db).map { try $0.record() }
        }
    }

    public func appendStep(_ step: TrajectoryStep, messages: [ChatMessage], runID: String) async throws {
        let json = try StoreJSON.encode(step, "step \(step.index) of run \(runID)")
        let now = Milliseconds.now()
        try await write("save step \(step.index) of run \(runID)") { db in
            let run = try Self.existingRun(runID, in: db)
            guard try !StepRow.exists(db, key: ["run_id": runID, "step_index": step.index]) else {
                throw StoreError.conflict("run \(runID) already has a step \(step.index); each step is saved once")
            }
            try StepRow(runId: runID, stepIndex: step.index, step: json, createdAt: now).insert(db)
            let encoded = try Self.encode(messages, for: run.conversationId)
            try Self.append(encoded, to: run.conversationId, runID: runID, at: now, in: db)
        }
    }

    public func steps(of runID: String) async throws -> [TrajectoryStep] {
        try await read("read the steps of run \(runID)") { db in
            _ = try Self.existingRun(runID, in: db)
            return try StepRow.filter(Column("run_id") == runID).order(Column("step_index"))
                .fetchAll(db).map { try $0.record() }
        }
    }

    public func finishRun(_ outcome: RunOutcome, messages: [ChatMessage]) async throws {
        let now = Milliseconds.now()
        try await write("record how run \(outcome.runID) ended") { db in
            var run = try Self.existingRun(outcome.runID, in: db)
            try run.finish(outcome, at: now)
            try run.update(db)
            let encoded = try Self.encode(messages, for: run.conversationId)
            try Self.append(encoded, to: run.conversationId, runID: run.id, at: now, in: db)
        }
    }

    public func markInterruptedRuns() async throws -> Int {
        let now = Milliseconds.now()
        return try await write("mark interrupted runs") { db in
            try db.execute(
                sql: "UPDATE runs SET status = ?, finished_at = ?, error = ? WHERE status = ?",
                arguments: [
                    RunStatus.interrupted.rawValue, now, Self.interruptedRunError, RunStatus.running.rawValue,
                ])
            return db.changesCount
        }
    }

    static func existingRun(_ id: String, in db: Database) throws -> RunRow {
        guard let run = try RunRow.fetchOne(db, key: id) else {
            throw StoreError.notFound("no run with id '\(id)'")
        }
        return run
    }
}
