import GRDB

/// A row of `api_keys`: the key's SHA-256 and prefix, never the key.
struct APIKeyRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "api_keys"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: String
    var prefix: String
    var hash: String
    /// `admin` or `agent`.
    var scope: String
    /// The agent of an `agent` key.
    var agentId: String?
    var name: String?
    var createdAt: Int64
    var lastUsedAt: Int64?

    static func columns(for scope: KeyScope) -> (scope: String, agentID: String?) {
        switch scope {
        case .admin: ("admin", nil)
        case .agent(let agentID): ("agent", agentID)
        }
    }

    func record() throws(StoreError) -> APIKeyRecord {
        let keyScope: KeyScope
        switch (scope, agentId) {
        case ("admin", _): keyScope = .admin
        case ("agent", let agentID?): keyScope = .agent(agentID)
        default:
            throw StoreError.storage(
                "API key \(id) has the scope '\(scope)' (agent \(agentId ?? "none")), which this version of Emergent "
                    + "does not know; delete the key and create a new one")
        }
        return APIKeyRecord(
            id: id, prefix: prefix, scope: keyScope, name: name, createdAt: Milliseconds.date(createdAt),
            lastUsedAt: lastUsedAt.map(Milliseconds.date))
    }
}
