import EmergentAgents
import EmergentCore
import EmergentStore
import EmergentTools
import Foundation
import Testing

@Suite("Runs and their steps")
struct RunStoreTests {
    struct Fixture {
        var agent: StoredAgent
        var conversation: StoredConversation
    }

    func fixture(_ store: SQLiteStore) async throws -> Fixture {
        let agent = try await store.createAgent(.sample())
        let conversation = try await store.createConversation(agentID: agent.id, title: "Population")
        return Fixture(agent: agent, conversation: conversation)
    }

    func step(_ index: Int) -> TrajectoryStep {
        var step = TrajectoryStep(
            index: index, kind: index.isMultiple(of: 2) ? .model : .tool, round: index / 2,
            startSeconds: Double(index) * 1.25, durationSeconds: 0.5)
        if step.kind == .model {
            step.text = "thinking \(index)"
            step.toolCalls = [
                ToolCall(id: "call_\(index)", name: "python", arguments: ["code": .string("1 + \(index)")])
            ]
            step.usage = Usage(promptTokens: 100, completionTokens: 20, promptSeconds: 0.25, generationSeconds: 1.5)
            step.finishReason = "tool_calls"
        } else {
            step.callID = "call_\(index - 1)"
            step.tool = "python"
            step.arguments = ["code": .string("1 + \(index - 1)")]
        }
        return step
    }

    @Test("a run that was going when the server stopped is marked interrupted on reopening; its steps stay")
    func crashRecovery() async throws {
        try await TemporaryHome.withStore { store, home in
            let fixture = try await fixture(store)
            let started = Date(timeIntervalSince1970: 1_750_000_000.123)
            let finished = StoredRun(
                id: "run_done", agentID: fixture.agent.id, agentVersion: 1, conversationID: fixture.conversation.id,
                input: "earlier question", createdAt: started)
            try await store.createRun(finished)
            let outcome = RunOutcome(
                runID: finished.id, status: .completed, answer: "earlier answer", error: nil,
                usage: Usage(promptTokens: 10, completionTokens: 5), limitHit: nil, citations: [], artifacts: [],
                durationSeconds: 2)
            try await store.finishRun(outcome, messages: [.user("earlier question"), .assistant("earlier answer")])

            let crashing = StoredRun(
                id: "run_crash", agentID: fixture.agent.id, agentVersion: nil, conversationID: fixture.conversation.id,
                input: "new question", createdAt: started.addingTimeInterval(60))
            try await store.createRun(crashing)
            for index in 0..<3 {
                try await store.appendStep(
                    step(index), messages: [.assistant("step \(index)")], runID: crashing.id)
            }

            // A new store on the same files, as after a restart; finishRun was never called.
            let reopened = try SQLiteStore(home: home.url)
            #expect(try await reopened.markInterruptedRuns() == 1)
            #expect(try await reopened.markInterruptedRuns() == 0)

            let interrupted = try #require(try await reopened.run(crashing.id))
            #expect(interrupted.status == .interrupted)
            #expect(interrupted.error == SQLiteStore.interruptedRunError)
            #expect(interrupted.finishedAt != nil)
            #expect(interrupted.createdAt.milliseconds == crashing.createdAt.milliseconds)
            #expect(interrupted.agentVersion == nil)
            #expect(try await reopened.steps(of: crashing.id) == (0..<3).map(step))

            let messages = try await reopened.messages(in: fixture.conversation.id)
            #expect(
                messages.map(\.message.content) == ["earlier question", "earlier answer", "step 0", "step 1", "step 2"])
            #expect(messages.map(\.runID) == ["run_done", "run_done", "run_crash", "run_crash", "run_crash"])

            let untouched = try #require(try await reopened.run(finished.id))
            #expect(untouched.status == .completed)
            #expect(untouched.answer == "earlier answer")
            #expect(untouched.error == nil)
            #expect(untouched.durationSeconds == 2)
            #expect(try await reopened.runs(in: fixture.conversation.id).map(\.id) == ["run_done", "run_crash"])
        }
    }

    @Test("finishing a run records its outcome, exactly as given, with the final messages")
    func finishRecordsOutcome() async throws {
        try await TemporaryHome.withStore { store, _ in
            let fixture = try await fixture(store)
            let created = Date()
            try await store.createRun(
                StoredRun(
                    id: "run_1", agentID: fixture.agent.id, agentVersion: 1, conversationID: fixture.conversation.id,
                    input: "Plot it", createdAt: created))
            #expect(try await store.run("run_1")?.status == .running)
            let outcome = RunOutcome(
                runID: "run_1", status: .completed, answer: "Here is the chart【1†Data】.", error: nil,
                usage: Usage(
                    promptTokens: 1200, reusedPromptTokens: 800, completionTokens: 300, promptSeconds: 0.4,
                    generationSeconds: 6.25),
                limitHit: .toolRounds,
                citations: [Citation(id: "1", title: "Data", url: "https://example.com/d", quote: "8.1 billion")],
                artifacts: [StoredArtifact(fileID: "file-abc", name: "chart.png", mimeType: "image/png", bytes: 2048)],
                durationSeconds: 7.5)
            try await store.finishRun(outcome, messages: [.assistant("Here is the chart【1†Data】.")])
            let run = try #require(try await store.run("run_1"))
            #expect(run.status == .completed)
            #expect(run.answer == outcome.answer)
            #expect(run.usage == outcome.usage)
            #expect(run.limitHit == .toolRounds)
            #expect(run.citations == outcome.citations)
            #expect(run.artifacts == outcome.artifacts)
            #expect(run.durationSeconds == 7.5)
            #expect(run.createdAt.milliseconds == created.milliseconds)
            let finishedAt = try #require(run.finishedAt)
            #expect(finishedAt >= run.createdAt.addingTimeInterval(-0.001))
            #expect(try await store.messages(in: fixture.conversation.id).map(\.runID) == ["run_1"])
            #expect(try await store.markInterruptedRuns() == 0)
        }
    }

    @Test("a run's dates read back exactly to the millisecond")
    func millisecondDates() async throws {
        try await TemporaryHome.withStore { store, _ in
            let fixture = try await fixture(store)
            let created = Date(timeIntervalSince1970: 1_234_567_890.987)
            let run = StoredRun(
                id: "run_ms", agentID: fixture.agent.id, agentVersion: 1, conversationID: fixture.conversation.id,
                status: .failed, input: "x", error: "boom", createdAt: created,
                finishedAt: Date(timeIntervalSince1970: 1_234_567_891.988), durationSeconds: 1.001)
            try await store.createRun(run)
            #expect(try await store.run(run.id) == run)
        }
    }

    @Test("a step is saved once, for a run that exists")
    func stepRules() async throws {
        try await TemporaryHome.withStore { store, _ in
            let fixture = try await fixture(store)
            try await store.createRun(
                StoredRun(
                    id: "run_s", agentID: fixture.agent.id, agentVersion: 1, conversationID: fixture.conversation.id,
                    input: "x", createdAt: Date()))
            try await store.appendStep(step(0), messages: [.assistant("a")], runID: "run_s")
            let duplicate = await storeError {
                try await store.appendStep(self.step(0), messages: [.assistant("b")], runID: "run_s")
            }
            guard case .conflict = duplicate else {
                Issue.record("expected a conflict, got \(String(describing: duplicate))")
                return
            }
            // The failed step's messages were not added either: one transaction.
            #expect(try await store.messages(in: fixture.conversation.id).map(\.message.content) == ["a"])
            let missing = await storeError { try await store.appendStep(self.step(1), messages: [], runID: "run_none") }
            #expect(missing == .notFound("no run with id 'run_none'"))
            let duplicateRun = await storeError {
                try await store.createRun(
                    StoredRun(
                        id: "run_s", agentID: fixture.agent.id, agentVersion: 1,
                        conversationID: fixture.conversation.id, input: "again", createdAt: Date()))
            }
            #expect(duplicateRun == .conflict("a run with id 'run_s' already exists; give each run a new id"))
        }
    }

    @Test("a run whose task was cancelled can still record how it ended")
    func cancelledCallerStillWrites() async throws {
        try await TemporaryHome.withStore { store, _ in
            let fixture = try await fixture(store)
            try await store.createRun(
                StoredRun(
                    id: "run_c", agentID: fixture.agent.id, agentVersion: 1, conversationID: fixture.conversation.id,
                    input: "x", createdAt: Date()))
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                try await store.finishRun(
                    RunOutcome(
                        runID: "run_c", status: .cancelled, answer: nil, error: "The client went away.",
                        usage: Usage(), limitHit: nil, citations: [], artifacts: [], durationSeconds: 1),
                    messages: [])
            }
            try await task.value
            #expect(try await store.run("run_c")?.status == .cancelled)
        }
    }
}
