import Foundation
import GRDB

extension SQLiteStore {
    public func createKey(scope: KeyScope, name: String?) async throws -> CreatedAPIKey {
        let secret = APIKeySecret.make()
        let columns = APIKeyRow.columns(for: scope)
        let row = APIKeyRow(
            id: RecordID.make(RecordID.key), prefix: APIKeySecret.prefix(of: secret), hash: APIKeySecret.hash(secret),
            scope: columns.scope, agentId: columns.agentID, name: name, createdAt: Milliseconds.now(),
            lastUsedAt: nil)
        let record = try await write("create an API key") { db in
            if let agentID = columns.agentID { _ = try Self.existingAgent(agentID, in: db) }
            try row.insert(db)
            return try row.record()
        }
        return CreatedAPIKey(record: record, secret: secret)
    }

    public func authenticate(_ secret: String) async throws -> APIKeyRecord? {
        let hash = APIKeySecret.hash(secret)
        let now = Milliseconds.now()
        return try await write("check an API key") { db in
            guard var key = try APIKeyRow.filter(Column("hash") == hash).fetchOne(db) else { return nil }
            key.lastUsedAt = now
            try key.update(db, columns: ["last_used_at"])
            return try key.record()
        }
    }

    /// All admin keys, or one agent's keys, newest first.
    public func keys(scope: KeyScope) async throws -> [APIKeyRecord] {
        let columns = APIKeyRow.columns(for: scope)
        return try await read("list API keys") { db in
            var request = APIKeyRow.filter(Column("scope") == columns.scope)
            if let agentID = columns.agentID {
                _ = try Self.existingAgent(agentID, in: db)
                request = request.filter(Column("agent_id") == agentID)
            }
            return try request.order(Column("created_at").desc, Column.rowID.desc).fetchAll(db).map { try $0.record() }
        }
    }

    public func deleteKey(_ id: String) async throws {
        try await write("delete API key \(id)") { db in
            guard try APIKeyRow.deleteOne(db, key: id) else {
                throw StoreError.notFound("no API key with id '\(id)'")
            }
        }
    }
}
