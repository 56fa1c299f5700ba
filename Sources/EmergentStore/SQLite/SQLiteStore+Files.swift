import Dispatch
import Foundation
import GRDB

extension SQLiteStore {
    public func saveFile(_ content: Data, filename: String, contentType: String, purpose: String) async throws
        -> StoredFile
    {
        let folder = self.content
        let blob = try await Self.offThePool { () throws(StoreError) in try folder.store(content) }
        return try await record(blob, filename: filename, contentType: contentType, purpose: purpose)
    }

    public func saveFile(copying source: URL, filename: String, contentType: String, purpose: String) async throws
        -> StoredFile
    {
        let folder = self.content
        let blob = try await Self.offThePool { () throws(StoreError) in try folder.store(copying: source) }
        return try await record(blob, filename: filename, contentType: contentType, purpose: purpose)
    }

    public func file(_ id: String) async throws -> StoredFile? {
        try await read("read file \(id)") { db in try FileRow.fetchOne(db, key: id)?.record }
    }

    public func contentURL(of file: StoredFile) -> URL {
        content.url(for: file.sha256)
    }

    /// Adds a file record for content already in the folder (a record whose write fails leaves an unused blob).
    private func record(_ blob: ContentFolder.Blob, filename: String, contentType: String, purpose: String)
        async throws -> StoredFile
    {
        let row = FileRow(
            id: RecordID.make(RecordID.file), sha256: blob.sha256, bytes: blob.bytes, filename: filename,
            contentType: contentType, purpose: purpose, createdAt: Milliseconds.now())
        try await write("save the record of file '\(filename)'") { db in try row.insert(db) }
        return row.record
    }

    /// Runs blocking file work on a dispatch queue, so hashing and copying megabytes never holds a thread of the
    /// cooperative pool.
    private static func offThePool<Result: Sendable>(
        _ work: @escaping @Sendable () throws(StoreError) -> Result
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                do {
                    continuation.resume(returning: try work())
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
