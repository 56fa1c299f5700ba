import EmergentAgents
import EmergentCore
import EmergentStore
import Foundation
import GRDB

/// A fresh `$EMERGENT_HOME` in the temporary folder, removed when the test ends.
struct TemporaryHome {
    let url: URL

    var databasePath: String { url.appendingPathComponent("emergent.sqlite").path }

    /// Runs `body` with a new home and a store opened on it.
    static func withStore<Result>(_ body: (SQLiteStore, TemporaryHome) async throws -> Result) async throws -> Result {
        let home = TemporaryHome(
            url: FileManager.default.temporaryDirectory.appendingPathComponent("emergent-store-tests-\(UUID())"))
        defer { try? FileManager.default.removeItem(at: home.url) }
        return try await body(try SQLiteStore(home: home.url), home)
    }

    /// A second connection to the database, for looking at what is really stored.
    func rawDatabase() throws -> DatabaseQueue {
        try DatabaseQueue(path: databasePath)
    }

    /// Every byte of the database, its WAL and shared-memory files.
    func databaseBytes() throws -> Data {
        var bytes = Data()
        for suffix in ["", "-wal", "-shm"] {
            let path = databasePath + suffix
            if FileManager.default.fileExists(atPath: path) {
                bytes.append(try Data(contentsOf: URL(fileURLWithPath: path)))
            }
        }
        return bytes
    }

    /// Regular files under `folder`, recursively.
    func files(under folder: URL) -> [URL] {
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
        var found: [URL] = []
        while let item = enumerator?.nextObject() as? URL {
            if (try? item.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { found.append(item) }
        }
        return found
    }
}

/// The `StoreError` that `body` throws, or `nil` when it throws nothing or something else.
func storeError(_ body: () async throws -> Void) async -> StoreError? {
    do {
        try await body()
        return nil
    } catch {
        return error as? StoreError
    }
}

extension AgentDefinition {
    static func sample(_ name: String = "Researcher") -> AgentDefinition {
        AgentDefinition(
            name: name, description: "Finds things out.", instructions: "Cite your sources.", model: "default",
            tools: ["python": .object([:]), "browser": ["max_pages": 5, "domains": ["example.com"]]],
            limits: AgentLimits(), sampling: .init(temperature: 0.7, seed: 42), welcome: "Hi!",
            suggestedPrompts: ["What is new?"])
    }
}

extension Date {
    /// Whole milliseconds since 1970, as the store keeps dates.
    var milliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
}
