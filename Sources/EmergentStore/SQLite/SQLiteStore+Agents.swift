import EmergentAgents
import Foundation
import GRDB

extension SQLiteStore {
    public func createAgent(_ definition: AgentDefinition) async throws -> StoredAgent {
        let json = try StoreJSON.encode(definition, "the definition of agent '\(definition.name)'")
        let id = RecordID.make(RecordID.agent)
        let now = Milliseconds.now()
        return try await write("create an agent") { db in
            let agent = AgentRow(id: id, definition: json, publishedVersion: 1, createdAt: now, updatedAt: now)
            try agent.insert(db)
            try AgentVersionRow(agentId: id, version: 1, definition: json, note: nil, createdAt: now).insert(db)
            return try agent.record()
        }
    }

    public func agent(_ id: String) async throws -> StoredAgent? {
        try await read("read agent \(id)") { db in try AgentRow.fetchOne(db, key: id)?.record() }
    }

    public func agents() async throws -> [StoredAgent] {
        try await read("list agents") { db in
            try AgentRow.order(Column("created_at").desc, Column.rowID.desc).fetchAll(db).map { try $0.record() }
        }
    }

    /// Replaces the draft and touches `updatedAt`; published versions and `publishedVersion` stay as they are.
    public func updateAgent(_ id: String, definition: AgentDefinition) async throws -> StoredAgent {
        let json = try StoreJSON.encode(definition, "the definition of agent \(id)")
        let now = Milliseconds.now()
        return try await write("update agent \(id)") { db in
            var agent = try Self.existingAgent(id, in: db)
            agent.definition = json
            agent.updatedAt = now
            try agent.update(db)
            return try agent.record()
        }
    }

    public func deleteAgent(_ id: String, force: Bool) async throws {
        try await write("delete agent \(id)") { db in
            _ = try Self.existingAgent(id, in: db)
            if !force {
                let count = try ConversationRow.filter(Column("agent_id") == id).fetchCount(db)
                if count > 0 {
                    let them = count == 1 ? "it" : "them"
                    throw StoreError.conflict(
                        "agent \(id) has \(count) conversation\(count == 1 ? "" : "s"); delete \(them) first or pass "
                            + "force=true to delete \(them) with the agent")
                }
            }
            // Foreign keys cascade to versions, keys, conversations, messages, runs and steps. Files have no owner.
            try AgentRow.deleteOne(db, key: id)
        }
    }

    /// Snapshots the current draft as the next version and makes it the published one; `updatedAt` (the draft's
    /// last edit) is unchanged.
    public func publish(_ agentID: String, note: String?) async throws -> AgentVersion {
        let now = Milliseconds.now()
        return try await write("publish agent \(agentID)") { db in
            var agent = try Self.existingAgent(agentID, in: db)
            let latest =
                try Int.fetchOne(
                    db, sql: "SELECT MAX(version) FROM agent_versions WHERE agent_id = ?", arguments: [agentID]) ?? 0
            let version = AgentVersionRow(
                agentId: agentID, version: latest + 1, definition: agent.definition, note: note, createdAt: now)
            try version.insert(db)
            agent.publishedVersion = version.version
            try agent.update(db, columns: ["published_version"])
            return try version.record()
        }
    }

    public func versions(of agentID: String) async throws -> [AgentVersion] {
        try await read("list the versions of agent \(agentID)") { db in
            _ = try Self.existingAgent(agentID, in: db)
            return try AgentVersionRow.filter(Column("agent_id") == agentID).order(Column("version").desc)
                .fetchAll(db).map { try $0.record() }
        }
    }

    public func version(_ number: Int, of agentID: String) async throws -> AgentVersion? {
        try await read("read version \(number) of agent \(agentID)") { db in
            try AgentVersionRow.fetchOne(db, key: ["agent_id": agentID, "version": number])?.record()
        }
    }

    static func existingAgent(_ id: String, in db: Database) throws -> AgentRow {
        guard let agent = try AgentRow.fetchOne(db, key: id) else {
            throw StoreError.notFound("no agent with id '\(id)'")
        }
        return agent
    }
}
