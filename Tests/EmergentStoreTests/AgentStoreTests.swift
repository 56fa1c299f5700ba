import EmergentAgents
import EmergentCore
import EmergentStore
import Foundation
import GRDB
import Testing

@Suite("Agents and their versions")
struct AgentStoreTests {
    @Test("creating an agent publishes its version 1 with the same definition")
    func createPublishesVersionOne() async throws {
        try await TemporaryHome.withStore { store, _ in
            let agent = try await store.createAgent(.sample())
            #expect(agent.id.wholeMatch(of: /agt_[0-9a-f]{24}/) != nil, "\(agent.id)")
            #expect(agent.publishedVersion == 1)
            #expect(agent.definition == .sample())
            let versions = try await store.versions(of: agent.id)
            #expect(versions.map(\.version) == [1])
            #expect(versions.first?.definition == .sample())
            #expect(try await store.version(1, of: agent.id) == versions.first)
            #expect(try await store.agent(agent.id) == agent)
        }
    }

    @Test("editing the draft leaves published versions as they were; publishing snapshots the new draft")
    func publishSnapshotsTheDraft() async throws {
        try await TemporaryHome.withStore { store, _ in
            let created = try await store.createAgent(.sample())
            var draft = AgentDefinition.sample()
            draft.instructions = "Answer in French."
            draft.tools["knowledge"] = .object([:])
            let updated = try await store.updateAgent(created.id, definition: draft)
            #expect(updated.definition == draft)
            #expect(updated.publishedVersion == 1)
            #expect(updated.createdAt == created.createdAt)
            #expect(updated.updatedAt >= created.updatedAt)
            #expect(try await store.version(1, of: created.id)?.definition == .sample())

            let published = try await store.publish(created.id, note: "French")
            #expect(published.version == 2)
            #expect(published.note == "French")
            #expect(published.definition == draft)
            #expect(try await store.agent(created.id)?.publishedVersion == 2)

            draft.instructions = "Answer in German."
            _ = try await store.updateAgent(created.id, definition: draft)
            let versions = try await store.versions(of: created.id)
            #expect(versions.map(\.version) == [2, 1])
            #expect(versions.map(\.definition.instructions) == ["Answer in French.", "Cite your sources."])
            #expect(try await store.version(3, of: created.id) == nil)
        }
    }

    @Test(
        "a definition reads back exactly as it was saved",
        arguments: [
            AgentDefinition.allTools,
            AgentDefinition(name: "Bare"),
            AgentDefinition(
                name: "Ünïcode ✓ \"quoted\" / slashed",
                tools: [
                    "functions": [
                        "functions": [["name": "lookup", "parameters": ["type": "object", "required": ["q"]]]],
                        "timeout_seconds": 2.5, "retries": 3, "strict": true, "fallback": nil,
                    ],
                    "mcp": ["servers": []],
                ],
                knowledge: ["docs/a.md", "docs/b.pdf"],
                limits: AgentLimits(maxToolRounds: 0, maxWallSeconds: 12.5, maxTokens: 100),
                sampling: .init(temperature: 0, topP: 0.95, topK: 40, minP: 0.05, seed: .max, maxTokens: 512),
                welcome: "", suggestedPrompts: []),
        ])
    func definitionRoundTrips(definition: AgentDefinition) async throws {
        try await TemporaryHome.withStore { store, home in
            let agent = try await store.createAgent(definition)
            let reopened = try SQLiteStore(home: home.url)
            #expect(try await reopened.agent(agent.id)?.definition == definition)
            #expect(try await reopened.version(1, of: agent.id)?.definition == definition)
        }
    }

    @Test("a whole-number double in tool settings reads back as an integer (JSONEncoder writes 10.0 as 10)")
    func wholeDoublesBecomeIntegers() async throws {
        try await TemporaryHome.withStore { store, _ in
            let definition = AgentDefinition(name: "Whole", tools: ["python": ["timeout_seconds": 10.0]])
            let agent = try await store.createAgent(definition)
            let stored = try await store.agent(agent.id)
            #expect(stored?.definition.tools["python"] == ["timeout_seconds": .int(10)])
            withKnownIssue("JSONValue's Codable cannot keep 10.0 apart from 10 through JSONEncoder") {
                #expect(stored?.definition == definition)
            }
        }
    }

    @Test("agents are listed newest first")
    func agentsNewestFirst() async throws {
        try await TemporaryHome.withStore { store, _ in
            var ids: [String] = []
            for name in ["first", "second", "third"] {
                ids.append(try await store.createAgent(.sample(name)).id)
            }
            #expect(try await store.agents().map(\.id) == ids.reversed())
        }
    }

    @Test("unknown agent ids are reported as not found, naming the id")
    func unknownAgent() async throws {
        try await TemporaryHome.withStore { store, _ in
            let missing = "agt_000000000000000000000000"
            let agent = try await store.agent(missing)
            #expect(agent == nil)
            let version = try await store.version(1, of: missing)
            #expect(version == nil)
            let failures: [StoreError?] = [
                await storeError { _ = try await store.updateAgent(missing, definition: .sample()) },
                await storeError { _ = try await store.publish(missing, note: nil) },
                await storeError { _ = try await store.versions(of: missing) },
                await storeError { try await store.deleteAgent(missing, force: true) },
                await storeError { _ = try await store.createConversation(agentID: missing, title: "x") },
                await storeError { _ = try await store.createKey(scope: .agent(missing), name: nil) },
            ]
            for failure in failures {
                guard case .notFound(let message) = failure else {
                    Issue.record("expected notFound, got \(String(describing: failure))")
                    continue
                }
                #expect(message.contains(missing))
            }
        }
    }

    @Test("an agent with conversations is only deleted with force")
    func deleteNeedsForce() async throws {
        try await TemporaryHome.withStore { store, _ in
            let agent = try await store.createAgent(.sample())
            _ = try await store.createConversation(agentID: agent.id, title: "one")
            _ = try await store.createConversation(agentID: agent.id, title: "two")
            let error = await storeError { try await store.deleteAgent(agent.id, force: false) }
            #expect(
                error
                    == .conflict(
                        "agent \(agent.id) has 2 conversations; delete them first or pass force=true to delete them "
                            + "with the agent"))
            #expect(try await store.agent(agent.id) != nil)
            #expect(try await store.conversationCount(agentID: agent.id) == 2)
        }
    }

    @Test("an agent without conversations is deleted with its versions and keys")
    func deleteWithoutConversations() async throws {
        try await TemporaryHome.withStore { store, home in
            let agent = try await store.createAgent(.sample())
            _ = try await store.publish(agent.id, note: nil)
            let key = try await store.createKey(scope: .agent(agent.id), name: nil)
            try await store.deleteAgent(agent.id, force: false)
            #expect(try await store.agent(agent.id) == nil)
            #expect(try await store.version(1, of: agent.id) == nil)
            #expect(try await store.authenticate(key.secret) == nil)
            let leftovers = try await home.rawDatabase().read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM agent_versions") ?? -1
            }
            #expect(leftovers == 0)
        }
    }

    @Test("force deletes conversations, messages, runs, steps, versions and keys, but not files")
    func forceDelete() async throws {
        try await TemporaryHome.withStore { store, home in
            let agent = try await store.createAgent(.sample())
            let other = try await store.createAgent(.sample("Other"))
            let kept = try await store.createConversation(agentID: other.id, title: "kept")
            try await store.appendMessages([.user("stay")], to: kept.id, runID: nil)
            let conversation = try await store.createConversation(agentID: agent.id, title: "hello")
            let run = StoredRun(
                id: "run_1", agentID: agent.id, agentVersion: 1, conversationID: conversation.id, input: "hi",
                createdAt: Date())
            try await store.createRun(run)
            try await store.appendStep(
                TrajectoryStep(index: 0, kind: .model, round: 0, startSeconds: 0, durationSeconds: 1),
                messages: [.user("hi"), .assistant("hello")], runID: run.id)
            let key = try await store.createKey(scope: .agent(agent.id), name: "ci")
            let admin = try await store.createKey(scope: .admin, name: "admin")
            let file = try await store.saveFile(
                Data("artifact".utf8), filename: "a.txt", contentType: "text/plain", purpose: "artifact")

            try await store.deleteAgent(agent.id, force: true)

            #expect(try await store.agent(agent.id) == nil)
            #expect(try await store.conversation(conversation.id) == nil)
            #expect(try await store.run(run.id) == nil)
            #expect(try await store.authenticate(key.secret) == nil)
            #expect(try await store.authenticate(admin.secret)?.id == admin.record.id)
            #expect(try await store.file(file.id) == file)
            #expect(FileManager.default.fileExists(atPath: store.contentURL(of: file).path))
            #expect(try await store.messages(in: kept.id).map(\.message.content) == ["stay"])
            let counts = try await home.rawDatabase().read { db in
                try ["agent_versions", "conversations", "messages", "runs", "steps", "api_keys"].map {
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") ?? -1
                }
            }
            // What is left is the other agent's: its version 1, its conversation and message, and the admin key.
            #expect(counts == [1, 1, 1, 0, 0, 1])
        }
    }

    @Test("a published version cannot be changed, even by SQL")
    func versionsAreImmutable() async throws {
        try await TemporaryHome.withStore { store, home in
            let agent = try await store.createAgent(.sample())
            #expect(throws: DatabaseError.self) {
                try home.rawDatabase().write { db in
                    try db.execute(
                        sql: "UPDATE agent_versions SET note = 'changed' WHERE agent_id = ?", arguments: [agent.id])
                }
            }
            #expect(try await store.version(1, of: agent.id)?.note == nil)
        }
    }
}
