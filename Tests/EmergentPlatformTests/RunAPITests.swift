import EmergentCore
import EmergentPlatform
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@Suite("Agent runs API", .serialized)
struct RunAPITests {
    @Test("a blocking run with the real Python sandbox returns the answer, artifacts as file URLs and usage")
    func blockingWithArtifact() async throws {
        let live = try await PlatformServer.start()
        defer { Task { await live.stop() } }
        let id = try await live.createAgent(TestScripts.agent())
        let code = "import matplotlib.pyplot as plt; plt.plot([1, 2, 3]); plt.savefig('/mnt/data/line.png'); print(6 * 7)"
        let reply = try await live.send("/v1/agents/\(id)/runs", json: ["input": .string("python: \(code)")])
        #expect(reply.status == 200, "\(reply.body)")
        let result = reply.json
        #expect(result["status"] == "completed")
        #expect(result["answer"]?.stringValue?.contains("42") == true, "\(result)")
        #expect(result["version"] == 1)
        let artifacts = result["artifacts"]?.arrayValue ?? []
        let image = try #require(artifacts.first { $0["name"]?.stringValue == "line.png" }, "\(artifacts)")
        #expect(image["mime_type"] == "image/png")
        let url = try #require(image["url"]?.stringValue)
        let content = try await live.send(url, method: .GET)
        #expect(content.status == 200)
        #expect(content.headers.first(name: "content-type") == "image/png")
        #expect(content.body.prefix(8).contains("PNG"))
        #expect((result["usage"]?["completion_tokens"]?.intValue ?? 0) > 0)

        // The run reads back with every step, artifacts pointing at files.
        let run = try await live.send("/v1/runs/\(result["run_id"]?.stringValue ?? "")", method: .GET)
        let steps = run.json["steps"]?.arrayValue ?? []
        #expect(steps.map { $0["kind"] } == ["model", "tool", "model"])
        #expect(steps[1]["output"]?["artifacts"]?[0]?["path"]?.stringValue?.hasPrefix("/v1/files/file-") == true)
        #expect(steps.allSatisfy { $0["duration_seconds"]?.doubleValue != nil })
    }

    @Test("a streamed run sends the named events in order, and the conversation continues across calls")
    func streamingAndContinuation() async throws {
        let live = try await PlatformServer.start()
        defer { Task { await live.stop() } }
        let id = try await live.createAgent(TestScripts.agent())
        let reply = try await live.send("/v1/agents/\(id)/runs", json: ["input": "python: print(2 + 3)", "stream": true])
        #expect(reply.headers.first(name: "content-type") == "text/event-stream")
        let events = PlatformServer.events(reply.body).filter { $0.name != ":" }
        let names = events.map(\.name)
        #expect(names.first == "run.started")
        #expect(names.last == "run.completed")
        for expected in ["tool.call", "tool.output", "step.completed", "message.delta", "model.delta"] {
            #expect(names.contains(expected), "missing \(expected) in \(names)")
        }
        let call = try #require(names.firstIndex(of: "tool.call"))
        let output = try #require(names.firstIndex(of: "tool.output"))
        #expect(call < output)
        #expect(events[output].data["output"]?["text"]?.stringValue?.contains("5") == true)
        let answer = events.filter { $0.name == "message.delta" }.compactMap { $0.data["text"]?.stringValue }.joined()
        #expect(answer == "The result is 5.")
        let conversation = try #require(events[0].data["conversation_id"]?.stringValue)

        let second = try await live.send(
            "/v1/agents/\(id)/runs", json: ["input": "how many messages?", "conversation_id": .string(conversation)])
        #expect(second.json["answer"] == "You have sent 2 messages.")
        #expect(second.json["conversation_id"]?.stringValue == conversation)

        let stored = try await live.send("/v1/conversations/\(conversation)", method: .GET)
        let roles = stored.json["messages"]?.arrayValue?.compactMap { $0["role"]?.stringValue } ?? []
        #expect(roles == ["user", "assistant", "tool", "assistant", "user", "assistant"])
        #expect(stored.json["runs"]?.arrayValue?.count == 2)
        let listed = try await live.send("/v1/agents/\(id)/conversations", method: .GET)
        #expect(listed.json["data"]?[0]?["id"]?.stringValue == conversation)
    }

    @Test("a quiet stream gets heartbeat comments")
    func heartbeat() async throws {
        let live = try await PlatformServer.start(
            options: PlatformOptions(adminKey: PlatformServer.adminKey, heartbeat: .milliseconds(100), createsDefaultAgent: false),
            models: ["scripted": TestScripts.model(pause: .milliseconds(40))])
        defer { Task { await live.stop() } }
        let id = try await live.createAgent(TestScripts.agent())
        let reply = try await live.send("/v1/agents/\(id)/runs", json: ["input": "slow please", "stream": true])
        let comments = PlatformServer.events(reply.body).filter { $0.name == ":" }
        #expect(comments.count >= 3, "\(reply.body.prefix(400))")
        #expect(comments.first?.data == ": heartbeat")
    }

    @Test("a client that disconnects mid-stream does not lose the run: it finishes and reads back")
    func disconnectContinues() async throws {
        let live = try await PlatformServer.start(models: ["scripted": TestScripts.model(pause: .milliseconds(30))])
        defer { Task { await live.stop() } }
        let id = try await live.createAgent(TestScripts.agent())
        let runID = try await Self.startAndDisconnect(live, agent: id)
        let run = try await Self.waitForEnd(live, runID)
        #expect(run["status"] == "completed")
        #expect(run["answer"]?.stringValue?.hasPrefix("word word") == true)
    }

    @Test("with the cancel policy, a disconnect stops the run, recorded as cancelled")
    func disconnectCancels() async throws {
        let live = try await PlatformServer.start(
            options: PlatformOptions(
                adminKey: PlatformServer.adminKey, disconnectPolicy: .cancel, heartbeat: .milliseconds(50),
                createsDefaultAgent: false),
            models: ["scripted": TestScripts.model(pause: .milliseconds(100))])
        defer { Task { await live.stop() } }
        let id = try await live.createAgent(TestScripts.agent())
        let runID = try await Self.startAndDisconnect(live, agent: id)
        let run = try await Self.waitForEnd(live, runID)
        #expect(run["status"] == "cancelled")
        let conversation = try await live.send("/v1/conversations/\(run["conversation_id"]?.stringValue ?? "")", method: .GET)
        #expect(conversation.json["messages"]?.arrayValue?.last?["role"] == "assistant")
    }

    @Test("the stop button's route cancels a running run")
    func cancelRoute() async throws {
        let live = try await PlatformServer.start(models: ["scripted": TestScripts.model(pause: .milliseconds(100))])
        defer { Task { await live.stop() } }
        let id = try await live.createAgent(TestScripts.agent())
        let reply = try await live.platform.coordinator.start(RunRequest(agentID: id, input: "slow one"))
        try await Task.sleep(for: .milliseconds(300))
        let cancel = try await live.send("/v1/runs/\(reply.id)/cancel", method: .POST)
        #expect(cancel.json["status"] == "cancelling")
        let run = try await Self.waitForEnd(live, reply.id)
        #expect(run["status"] == "cancelled")
        #expect(run["error"]?.stringValue?.contains("stopped") == true)
    }

    @Test("while a run is going, its conversation and its agent cannot be deleted (409)")
    func deleteWhileRunning() async throws {
        let live = try await PlatformServer.start(models: ["scripted": TestScripts.model(pause: .milliseconds(100))])
        defer { Task { await live.stop() } }
        let id = try await live.createAgent(TestScripts.agent())
        let run = try await live.platform.coordinator.start(RunRequest(agentID: id, input: "slow one"))
        let conversation = try await live.send("/v1/conversations/\(run.conversationID)", method: .DELETE)
        #expect(conversation.status == 409)
        #expect(conversation.json["error"]?["code"] == "conversation_busy")
        let agent = try await live.send("/v1/agents/\(id)?force=true", method: .DELETE)
        #expect(agent.status == 409)
        #expect(agent.json["error"]?["code"] == "agent_busy")
        _ = try await Self.waitForEnd(live, run.id)
        #expect(try await live.send("/v1/conversations/\(run.conversationID)", method: .DELETE).status == 200)
    }

    @Test("uploaded files reach the sandbox; oversized and malformed uploads are refused with clear errors")
    func files() async throws {
        let live = try await PlatformServer.start(
            options: PlatformOptions(adminKey: PlatformServer.adminKey, fileLimit: 1 << 20, createsDefaultAgent: false))
        defer { Task { await live.stop() } }
        let id = try await live.createAgent(TestScripts.agent())
        let csv = Array("year,gdp\n2020,84.9\n2021,96.5\n".utf8)
        let form = PlatformServer.multipart(filename: "gdp.csv", content: csv)
        let uploaded = try await live.upload("/v1/files", bytes: form.body, contentType: form.contentType)
        #expect(uploaded.status == 201, "\(uploaded.body)")
        #expect(uploaded.json["bytes"]?.intValue == csv.count)
        #expect(uploaded.json["filename"] == "gdp.csv")
        let fileID = try #require(uploaded.json["id"]?.stringValue)
        let back = try await live.send("/v1/files/\(fileID)/content", method: .GET)
        #expect(back.body == String(decoding: csv, as: UTF8.self))

        let code = "import pandas as pd; print(pd.read_csv('/mnt/data/gdp.csv').gdp.sum())"
        let run = try await live.send(
            "/v1/agents/\(id)/runs", json: ["input": .string("python: \(code)"), "files": [.string(fileID)]])
        #expect(run.json["answer"]?.stringValue?.contains("181.4") == true, "\(run.body)")

        let big = PlatformServer.multipart(filename: "big.bin", content: Array(repeating: 7, count: (1 << 20) + 100_000))
        let tooBig = try await live.upload("/v1/files", bytes: big.body, contentType: big.contentType)
        #expect(tooBig.status == 413)
        #expect(tooBig.json["error"]?["code"] == "file_too_large")
        let broken = try await live.upload("/v1/files", bytes: Array("no boundary here".utf8), contentType: "multipart/form-data; boundary=xyz")
        #expect(broken.status == 400)
        let notMultipart = try await live.upload("/v1/files", bytes: csv, contentType: "text/csv")
        #expect(notMultipart.status == 400)
        #expect(notMultipart.json["error"]?["message"]?.stringValue?.contains("multipart/form-data") == true)
        let unknownFile = try await live.send("/v1/agents/\(id)/runs", json: ["input": "hi", "files": ["file-nope"]])
        #expect(unknownFile.status == 404)
    }

    @Test("malformed run requests get 400 naming the field")
    func badRunRequests() async throws {
        let live = try await PlatformServer.start()
        defer { Task { await live.stop() } }
        let id = try await live.createAgent(TestScripts.agent())
        let noInput = try await live.send("/v1/agents/\(id)/runs", json: ["stream": true])
        #expect(noInput.status == 400)
        #expect(noInput.json["error"]?["param"] == "input")
        let badVersion = try await live.send("/v1/agents/\(id)/runs", json: ["input": "x", "version": -1])
        #expect(badVersion.json["error"]?["param"] == "version")
        let missingVersion = try await live.send("/v1/agents/\(id)/runs", json: ["input": "x", "version": 9])
        #expect(missingVersion.status == 404)
        let notJSON = try await live.send("/v1/agents/\(id)/runs", body: "{input: x")
        #expect(notJSON.status == 400)
        let otherConversation = try await live.send(
            "/v1/agents/\(id)/runs", json: ["input": "x", "conversation_id": "conv_nope"])
        #expect(otherConversation.status == 404)
    }

    @Test("two messages at once on one conversation: one runs, the other gets 409 conversation_busy")
    func busyConversation() async throws {
        let live = try await PlatformServer.start(models: ["scripted": TestScripts.model(pause: .milliseconds(20))])
        defer { Task { await live.stop() } }
        let id = try await live.createAgent(TestScripts.agent())
        let first = try await live.send("/v1/agents/\(id)/runs", json: ["input": "hello"])
        let conversation = try #require(first.json["conversation_id"]?.stringValue)
        let replies = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try await live.send(
                        "/v1/agents/\(id)/runs", json: ["input": "slow reply", "conversation_id": .string(conversation)]
                    ).status
                }
            }
            var statuses: [Int] = []
            for try await status in group { statuses.append(status) }
            return statuses.sorted()
        }
        #expect(replies == [200, 409, 409, 409])
        let stored = try await live.send("/v1/conversations/\(conversation)", method: .GET)
        #expect(stored.json["messages"]?.arrayValue?.compactMap { $0["role"]?.stringValue } == ["user", "assistant", "user", "assistant"])
    }

    @Test("20 simultaneous runs with the real Python tool all complete")
    func concurrentRuns() async throws {
        let live = try await PlatformServer.start()
        defer { Task { await live.stop() } }
        let id = try await live.createAgent(TestScripts.agent())
        let started = ContinuousClock.now
        let results = try await withThrowingTaskGroup(of: (Int, PlatformServer.Reply).self) { group in
            for index in 0..<20 {
                group.addTask {
                    (index, try await live.send("/v1/agents/\(id)/runs", json: ["input": .string("python: print(\(index) * 3)")]))
                }
            }
            var all: [(Int, PlatformServer.Reply)] = []
            for try await result in group { all.append(result) }
            return all
        }
        let elapsed = ContinuousClock.now - started
        let failures = results.filter { $0.1.status != 200 || $0.1.json["status"] != "completed" }
        #expect(failures.isEmpty, "\(failures.map { $0.1.body })")
        for (index, reply) in results {
            #expect(reply.json["answer"]?.stringValue == "The result is \(index * 3).")
        }
        print("20 concurrent runs (scripted model, real python sandbox): \(elapsed)")
    }

    /// Starts a streaming run, reads until `run.started`, and drops the connection; returns the run id.
    static func startAndDisconnect(_ live: PlatformServer, agent: String) async throws -> String {
        let port = live.port
        let text = try await Task.detached {
            try HangUpClient.request(
                port: port, path: "/v1/agents/\(agent)/runs", body: #"{"input":"slow answer","stream":true}"#,
                key: PlatformServer.adminKey, until: "event: model.delta")
        }.value
        guard let start = text.range(of: "\"run_id\":\""),
            let end = text[start.upperBound...].firstIndex(of: "\"")
        else { throw TestFailure("the stream sent no run.started: \(text)") }
        return String(text[start.upperBound..<end])
    }

    /// Polls the run until it has ended.
    static func waitForEnd(_ live: PlatformServer, _ runID: String) async throws -> JSONValue {
        for _ in 0..<200 {
            let run = try await live.send("/v1/runs/\(runID)", method: .GET)
            if run.json["status"] != "running" { return run.json }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("the run \(runID) did not end in 20 s")
    }
}
