import EmergentStore
import Foundation
import GRDB
import Testing

@Suite("API keys")
struct KeyStoreTests {
    @Test("a new key is emk- and 40 base62 characters, and only its hash and prefix are stored")
    func secretIsNotStored() async throws {
        try await TemporaryHome.withStore { store, home in
            let created = try await store.createKey(scope: .admin, name: "laptop")
            #expect(created.secret.wholeMatch(of: /emk-[0-9A-Za-z]{40}/) != nil, "\(created.secret)")
            #expect(created.record.prefix == String(created.secret.prefix(12)))
            #expect(created.record.id.wholeMatch(of: /key_[0-9a-f]{24}/) != nil, "\(created.record.id)")

            let rows = try home.rawDatabase().read { db in try Row.fetchAll(db, sql: "SELECT * FROM api_keys") }
            #expect(rows.count == 1)
            let values = rows.flatMap { row in row.databaseValues.map(\.description) }
            let secretPart = String(created.secret.dropFirst(12))
            #expect(!values.contains { $0.contains(secretPart) }, "\(values)")
            let hash: String? = rows.first?["hash"]
            #expect(hash?.count == 64)
            #expect(hash != created.secret)

            let bytes = try home.databaseBytes()
            #expect(bytes.range(of: Data(secretPart.utf8)) == nil)
            #expect(bytes.range(of: Data(created.record.prefix.utf8)) != nil, "the prefix is stored, so bytes are read")
        }
    }

    @Test("a key authenticates and records its use; a wrong or deleted key does not")
    func authenticate() async throws {
        try await TemporaryHome.withStore { store, _ in
            let created = try await store.createKey(scope: .admin, name: nil)
            #expect(created.record.lastUsedAt == nil)
            let found = try #require(try await store.authenticate(created.secret))
            #expect(found.id == created.record.id)
            #expect(found.scope == .admin)
            #expect(found.lastUsedAt != nil)
            #expect(try await store.keys(scope: .admin).first?.lastUsedAt == found.lastUsedAt)

            var wrong = created.secret
            wrong.removeLast()
            wrong.append(created.secret.last == "a" ? "b" : "a")
            #expect(try await store.authenticate(wrong) == nil)
            #expect(try await store.authenticate("") == nil)
            #expect(try await store.authenticate(created.record.prefix) == nil)

            try await store.deleteKey(created.record.id)
            #expect(try await store.authenticate(created.secret) == nil)
            let again = await storeError { try await store.deleteKey(created.record.id) }
            #expect(again == .notFound("no API key with id '\(created.record.id)'"))
        }
    }

    @Test("agent keys keep their agent, and keys are listed by scope")
    func agentScope() async throws {
        try await TemporaryHome.withStore { store, _ in
            let agent = try await store.createAgent(.sample())
            let other = try await store.createAgent(.sample("Other"))
            let admin = try await store.createKey(scope: .admin, name: "admin")
            let first = try await store.createKey(scope: .agent(agent.id), name: "widget")
            let second = try await store.createKey(scope: .agent(agent.id), name: nil)
            let elsewhere = try await store.createKey(scope: .agent(other.id), name: "other")

            #expect(try await store.authenticate(first.secret)?.scope == .agent(agent.id))
            #expect(try await store.authenticate(first.secret)?.name == "widget")
            #expect(try await store.keys(scope: .agent(agent.id)).map(\.id) == [second.record.id, first.record.id])
            #expect(try await store.keys(scope: .agent(other.id)).map(\.id) == [elsewhere.record.id])
            #expect(try await store.keys(scope: .admin).map(\.id) == [admin.record.id])
            #expect(try await store.keys(scope: .agent(agent.id)).first == second.record)
        }
    }
}
