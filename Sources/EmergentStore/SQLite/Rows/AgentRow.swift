import EmergentAgents
import GRDB

/// A row of `agents`.
struct AgentRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "agents"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: String
    /// The draft, as JSON.
    var definition: String
    var publishedVersion: Int?
    var createdAt: Int64
    var updatedAt: Int64

    func record() throws(StoreError) -> StoredAgent {
        StoredAgent(
            id: id,
            definition: try StoreJSON.decode(AgentDefinition.self, from: definition, "definition of agent \(id)"),
            publishedVersion: publishedVersion, createdAt: Milliseconds.date(createdAt),
            updatedAt: Milliseconds.date(updatedAt))
    }
}
