import EmergentAgents
import EmergentCore
import EmergentStore
import Foundation
import Testing

@Suite("Conversations and messages")
struct ConversationStoreTests {
    @Test("messages keep their order, positions continue across appends, and appending touches the conversation")
    func positionsContinue() async throws {
        try await TemporaryHome.withStore { store, _ in
            let agent = try await store.createAgent(.sample())
            let conversation = try await store.createConversation(agentID: agent.id, title: "Weather")
            #expect(conversation.id.wholeMatch(of: /conv_[0-9a-f]{24}/) != nil, "\(conversation.id)")
            #expect(try await store.messages(in: conversation.id).isEmpty)

            let call = ToolCall(id: "call_1", name: "python", arguments: ["code": "print(1)"])
            try await store.appendMessages([.user("Is it raining?")], to: conversation.id, runID: nil)
            try await Task.sleep(for: .milliseconds(5))
            try await store.appendMessages(
                [.assistant("", toolCalls: [call]), .tool("1", callID: "call_1", name: "python"), .assistant("No.")],
                to: conversation.id, runID: "run_a")
            try await store.appendMessages([], to: conversation.id, runID: nil)

            let messages = try await store.messages(in: conversation.id)
            #expect(messages.map(\.position) == [0, 1, 2, 3])
            #expect(messages.map(\.runID) == [nil, "run_a", "run_a", "run_a"])
            #expect(messages[1].message.toolCalls == [call])
            #expect(messages[2].message == .tool("1", callID: "call_1", name: "python"))
            let touched = try #require(try await store.conversation(conversation.id))
            #expect(touched.updatedAt > conversation.updatedAt)
            #expect(touched.createdAt == conversation.createdAt)
            #expect(touched.updatedAt.milliseconds == messages.last?.createdAt.milliseconds)
        }
    }

    @Test("20 concurrent appenders get contiguous positions and each batch stays together")
    func concurrentAppends() async throws {
        try await TemporaryHome.withStore { store, _ in
            let agent = try await store.createAgent(.sample())
            let conversation = try await store.createConversation(agentID: agent.id, title: "busy")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<20 {
                    group.addTask {
                        let batch = (0..<3).map { ChatMessage.user("writer \(writer) message \($0)") }
                        try await store.appendMessages(batch, to: conversation.id, runID: "run_\(writer)")
                    }
                }
                try await group.waitForAll()
            }
            let messages = try await store.messages(in: conversation.id)
            #expect(messages.map(\.position) == Array(0..<60))
            for start in stride(from: 0, to: 60, by: 3) {
                let batch = messages[start..<start + 3]
                let runID = try #require(batch.first?.runID)
                let writer = runID.dropFirst("run_".count)
                #expect(batch.allSatisfy { $0.runID == runID })
                #expect(batch.map(\.message.content) == (0..<3).map { "writer \(writer) message \($0)" })
            }
            #expect(Set(messages.compactMap(\.runID)).count == 20)
        }
    }

    @Test("conversations are listed by latest activity, limited, and counted")
    func listByActivity() async throws {
        try await TemporaryHome.withStore { store, _ in
            let agent = try await store.createAgent(.sample())
            let other = try await store.createAgent(.sample("Other"))
            let first = try await store.createConversation(agentID: agent.id, title: "first")
            let second = try await store.createConversation(agentID: agent.id, title: "second")
            let third = try await store.createConversation(agentID: agent.id, title: "third")
            _ = try await store.createConversation(agentID: other.id, title: "elsewhere")
            try await Task.sleep(for: .milliseconds(5))
            try await store.appendMessages([.user("back again")], to: first.id, runID: nil)

            #expect(
                try await store.conversations(agentID: agent.id, limit: 10).map(\.id) == [
                    first.id, third.id, second.id,
                ])
            #expect(try await store.conversations(agentID: agent.id, limit: 2).map(\.id) == [first.id, third.id])
            #expect(try await store.conversationCount(agentID: agent.id) == 3)
            #expect(try await store.conversationCount(agentID: other.id) == 1)
        }
    }

    @Test("deleting a conversation deletes its messages and runs")
    func deleteConversation() async throws {
        try await TemporaryHome.withStore { store, _ in
            let agent = try await store.createAgent(.sample())
            let conversation = try await store.createConversation(agentID: agent.id, title: "gone")
            try await store.createRun(
                StoredRun(
                    id: "run_x", agentID: agent.id, agentVersion: 1, conversationID: conversation.id, input: "x",
                    createdAt: Date()))
            try await store.appendMessages([.user("x")], to: conversation.id, runID: "run_x")
            try await store.deleteConversation(conversation.id)
            #expect(try await store.conversation(conversation.id) == nil)
            #expect(try await store.run("run_x") == nil)
            #expect(try await store.conversationCount(agentID: agent.id) == 0)
            let again = await storeError { try await store.deleteConversation(conversation.id) }
            #expect(again == .notFound("no conversation with id '\(conversation.id)'"))
            let append = await storeError {
                try await store.appendMessages([.user("x")], to: conversation.id, runID: nil)
            }
            #expect(append == .notFound("no conversation with id '\(conversation.id)'"))
        }
    }
}
