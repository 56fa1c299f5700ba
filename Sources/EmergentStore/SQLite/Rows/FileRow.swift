import GRDB

/// A row of `files`: a file's metadata; its bytes are in the ``ContentFolder`` under its SHA-256.
struct FileRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "files"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: String
    var sha256: String
    var bytes: Int
    var filename: String
    var contentType: String
    var purpose: String
    var createdAt: Int64

    var record: StoredFile {
        StoredFile(
            id: id, filename: filename, contentType: contentType, bytes: bytes, sha256: sha256, purpose: purpose,
            createdAt: Milliseconds.date(createdAt))
    }
}
