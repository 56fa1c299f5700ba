import EmergentAgents
import GRDB

/// A row of `agent_versions`; rows are never updated (a trigger refuses it).
struct AgentVersionRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "agent_versions"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var agentId: String
    var version: Int
    var definition: String
    var note: String?
    var createdAt: Int64

    func record() throws(StoreError) -> AgentVersion {
        AgentVersion(
            agentID: agentId, version: version,
            definition: try StoreJSON.decode(
                AgentDefinition.self, from: definition, "definition of version \(version) of agent \(agentId)"),
            note: note, createdAt: Milliseconds.date(createdAt))
    }
}
