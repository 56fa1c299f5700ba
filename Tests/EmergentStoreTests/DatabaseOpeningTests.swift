import EmergentAgents
import Foundation
import GRDB
import Testing

@testable import EmergentStore

@Suite("Opening the database")
struct DatabaseOpeningTests {
    @Test("the store's connections use WAL, foreign keys and full syncs")
    func pragmas() async throws {
        try await TemporaryHome.withStore { store, home in
            _ = try await store.createAgent(.sample())
            let settings = try await store.database.read { db in
                [
                    try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                    try Int.fetchOne(db, sql: "PRAGMA foreign_keys").map(String.init),
                ]
            }
            #expect(settings == ["wal", "1"])
            // The writer is the connection that commits, so it is the one that must sync fully (FULL is 2).
            let writerSettings = try await store.database.write { db in
                [
                    try Int.fetchOne(db, sql: "PRAGMA foreign_keys"), try Int.fetchOne(db, sql: "PRAGMA synchronous"),
                ]
            }
            #expect(writerSettings == [1, 2])
            // A separate connection sees the file itself in WAL mode.
            #expect(
                try await home.rawDatabase().read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal"
            )
            #expect(FileManager.default.fileExists(atPath: home.databasePath + "-wal"))
        }
    }

    @Test("the migrations are the append-only v1 list, applied once")
    func migrations() async throws {
        try await TemporaryHome.withStore { store, home in
            _ = try SQLiteStore(home: home.url)
            let applied = try home.rawDatabase().read { db in
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
            }
            #expect(
                applied == [
                    "v1: agents and versions", "v1: conversations and messages", "v1: runs and steps", "v1: files",
                    "v1: api keys",
                ])
        }
    }

    @Test("data survives closing and reopening the store")
    func reopen() async throws {
        try await TemporaryHome.withStore { store, home in
            let agent = try await store.createAgent(.sample())
            let file = try await store.saveFile(
                Data("x".utf8), filename: "x", contentType: "text/plain", purpose: "input")
            let reopened = try SQLiteStore(home: home.url)
            #expect(try await reopened.agent(agent.id) == agent)
            #expect(try await reopened.file(file.id) == file)
            #expect(try Data(contentsOf: reopened.contentURL(of: file)) == Data("x".utf8))
        }
    }

    @Test("a file that is not a database is reported with its path and what to do, not a crash")
    func corruptDatabase() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("emergent-store-tests-\(UUID())")
        defer { try? FileManager.default.removeItem(at: home) }
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let path = home.appendingPathComponent("emergent.sqlite").path
        try Data(String(repeating: "this is not a database. ", count: 200).utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try SQLiteStore(home: home)
            Issue.record("opening garbage as a database succeeded")
        } catch let error as StoreError {
            guard case .storage(let message) = error else {
                Issue.record("expected a storage error, got \(error)")
                return
            }
            #expect(message.contains(path))
            #expect(message.contains("move the file aside"))
            #expect(message.contains("backup"))
        }
    }

    @Test("a home that cannot be created is reported with its path")
    func unusableHome() throws {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("emergent-store-tests-\(UUID())")
        defer { try? FileManager.default.removeItem(at: parent) }
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        let blocker = parent.appendingPathComponent("a-file")
        try Data("not a folder".utf8).write(to: blocker)
        let home = blocker.appendingPathComponent("home")
        do {
            _ = try SQLiteStore(home: home)
            Issue.record("a home inside a regular file was accepted")
        } catch let error as StoreError {
            guard case .storage(let message) = error else {
                Issue.record("expected a storage error, got \(error)")
                return
            }
            #expect(message.contains(home.path))
            #expect(message.contains("EMERGENT_HOME"))
        }
    }
}
