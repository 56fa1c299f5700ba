import EmergentCore
import GRDB

/// A row of `messages`: one ``ChatMessage`` as JSON at its position in a conversation.
struct MessageRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "messages"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var conversationId: String
    var position: Int
    var message: String
    var runId: String?
    var createdAt: Int64

    func record() throws(StoreError) -> StoredMessage {
        StoredMessage(
            conversationID: conversationId, position: position,
            message: try StoreJSON.decode(
                ChatMessage.self, from: message, "message \(position) of conversation \(conversationId)"),
            runID: runId, createdAt: Milliseconds.date(createdAt))
    }
}
