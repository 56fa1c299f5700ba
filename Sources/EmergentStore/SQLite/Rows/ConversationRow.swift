import GRDB

/// A row of `conversations`.
struct ConversationRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "conversations"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: String
    var agentId: String
    var title: String
    var createdAt: Int64
    var updatedAt: Int64

    var record: StoredConversation {
        StoredConversation(
            id: id, agentID: agentId, title: title, createdAt: Milliseconds.date(createdAt),
            updatedAt: Milliseconds.date(updatedAt))
    }
}
