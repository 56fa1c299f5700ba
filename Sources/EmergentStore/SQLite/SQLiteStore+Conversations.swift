import EmergentCore
import Foundation
import GRDB

extension SQLiteStore {
    public func createConversation(agentID: String, title: String) async throws -> StoredConversation {
        let id = RecordID.make(RecordID.conversation)
        let now = Milliseconds.now()
        return try await write("create a conversation with agent \(agentID)") { db in
            _ = try Self.existingAgent(agentID, in: db)
            let conversation = ConversationRow(id: id, agentId: agentID, title: title, createdAt: now, updatedAt: now)
            try conversation.insert(db)
            return conversation.record
        }
    }

    public func conversation(_ id: String) async throws -> StoredConversation? {
        try await read("read conversation \(id)") { db in try ConversationRow.fetchOne(db, key: id)?.record }
    }

    public func conversations(agentID: String, limit: Int) async throws -> [StoredConversation] {
        try await read("list the conversations of agent \(agentID)") { db in
            _ = try Self.existingAgent(agentID, in: db)
            return try ConversationRow.filter(Column("agent_id") == agentID)
                .order(Column("updated_at").desc, Column.rowID.desc)
                .limit(max(limit, 0))
                .fetchAll(db).map(\.record)
        }
    }

    public func conversationCount(agentID: String) async throws -> Int {
        try await read("count the conversations of agent \(agentID)") { db in
            _ = try Self.existingAgent(agentID, in: db)
            return try ConversationRow.filter(Column("agent_id") == agentID).fetchCount(db)
        }
    }

    /// Deletes the conversation with its messages, runs and steps.
    public func deleteConversation(_ id: String) async throws {
        try await write("delete conversation \(id)") { db in
            _ = try Self.existingConversation(id, in: db)
            try ConversationRow.deleteOne(db, key: id)
        }
    }

    public func messages(in conversationID: String) async throws -> [StoredMessage] {
        try await read("read the messages of conversation \(conversationID)") { db in
            _ = try Self.existingConversation(conversationID, in: db)
            return try MessageRow.filter(Column("conversation_id") == conversationID).order(Column("position"))
                .fetchAll(db).map { try $0.record() }
        }
    }

    public func appendMessages(_ messages: [ChatMessage], to conversationID: String, runID: String?) async throws {
        let encoded = try Self.encode(messages, for: conversationID)
        let now = Milliseconds.now()
        try await write("add messages to conversation \(conversationID)") { db in
            _ = try Self.existingConversation(conversationID, in: db)
            try Self.append(encoded, to: conversationID, runID: runID, at: now, in: db)
        }
    }

    static func existingConversation(_ id: String, in db: Database) throws -> ConversationRow {
        guard let conversation = try ConversationRow.fetchOne(db, key: id) else {
            throw StoreError.notFound("no conversation with id '\(id)'")
        }
        return conversation
    }

    static func encode(_ messages: [ChatMessage], for conversationID: String) throws(StoreError) -> [String] {
        var encoded: [String] = []
        for message in messages {
            encoded.append(try StoreJSON.encode(message, "a message of conversation \(conversationID)"))
        }
        return encoded
    }

    /// Appends encoded messages after the conversation's last one and touches its `updatedAt`. Positions are safe
    /// under concurrent callers because this runs inside a write transaction, and writes are serialized.
    static func append(
        _ messages: [String], to conversationID: String, runID: String?, at now: Int64, in db: Database
    ) throws {
        guard !messages.isEmpty else { return }
        let next =
            try Int.fetchOne(
                db, sql: "SELECT MAX(position) + 1 FROM messages WHERE conversation_id = ?",
                arguments: [conversationID]) ?? 0
        for (offset, message) in messages.enumerated() {
            try MessageRow(
                conversationId: conversationID, position: next + offset, message: message, runId: runID,
                createdAt: now
            ).insert(db)
        }
        try db.execute(
            sql: "UPDATE conversations SET updated_at = ? WHERE id = ?", arguments: [now, conversationID])
    }
}
