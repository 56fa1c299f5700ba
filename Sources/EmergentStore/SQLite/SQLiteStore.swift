import Foundation
import GRDB

/// The ``PlatformStore`` on SQLite (through GRDB), with file contents in a folder beside the database.
///
/// One `DatabasePool` in WAL mode: reads run alongside the single writer, and each write is one transaction, durable
/// (`synchronous = FULL`) when the method returns. Database work is not abandoned when the calling task is cancelled,
/// so a run whose client went away can still record how it ended.
public final class SQLiteStore: PlatformStore {
    /// The SQLite database file.
    public let databasePath: String
    /// The folder of file contents, one file per SHA-256.
    public let filesDirectory: URL
    let database: DatabasePool
    let content: ContentFolder

    /// Opens (or creates) `<home>/emergent.sqlite`, with file contents in `<home>/files`.
    public convenience init(home: URL) throws {
        try self.init(
            databasePath: home.appendingPathComponent("emergent.sqlite").path,
            filesDirectory: home.appendingPathComponent("files", isDirectory: true))
    }

    /// Opens (or creates) the database at `databasePath` and brings its schema up to date; throws
    /// ``StoreError/storage(_:)`` when the folders cannot be made or the file is not a usable database.
    public init(databasePath: String, filesDirectory: URL) throws {
        try Self.makeFolder(URL(fileURLWithPath: databasePath).deletingLastPathComponent())
        try Self.makeFolder(filesDirectory)
        var configuration = Configuration()
        configuration.label = "EmergentStore"
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        do {
            database = try DatabasePool(path: databasePath, configuration: configuration)
            // GRDB sets NORMAL when it turns WAL on; FULL syncs the log at every commit, so a write that returned
            // survives a power cut, not only a crash.
            try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            try StoreSchema.migrator.migrate(database)
        } catch {
            throw StoreError.database(error, path: databasePath, while: "open the database")
        }
        self.databasePath = databasePath
        self.filesDirectory = filesDirectory
        content = ContentFolder(root: filesDirectory)
    }

    private static func makeFolder(_ folder: URL) throws(StoreError) {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw StoreError.storage(
                "cannot create the folder '\(folder.path)' (\((error as NSError).localizedDescription)); make it "
                    + "writable or set $EMERGENT_HOME to a folder you can write to")
        }
        guard FileManager.default.isWritableFile(atPath: folder.path) else {
            throw StoreError.storage(
                "the folder '\(folder.path)' is not writable; fix its permissions or set $EMERGENT_HOME to a folder "
                    + "you can write to")
        }
    }

    // MARK: Database access

    /// Runs `updates` in one write transaction; `action` completes "could not …" in error messages.
    ///
    /// The work runs in its own task so that cancelling the caller neither skips nor rolls back the write.
    func write<Result: Sendable>(
        _ action: String, _ updates: @escaping @Sendable (Database) throws -> Result
    ) async throws -> Result {
        let database = database
        let path = databasePath
        let work = Task { () async throws -> Result in
            do {
                return try await database.write(updates)
            } catch {
                throw StoreError.database(error, path: path, while: action)
            }
        }
        return try await work.value
    }

    /// Runs `fetch` on a snapshot of the database, like ``write(_:_:)`` not cancelled with its caller.
    func read<Result: Sendable>(
        _ action: String, _ fetch: @escaping @Sendable (Database) throws -> Result
    ) async throws -> Result {
        let database = database
        let path = databasePath
        let work = Task { () async throws -> Result in
            do {
                return try await database.read(fetch)
            } catch {
                throw StoreError.database(error, path: path, while: action)
            }
        }
        return try await work.value
    }
}
