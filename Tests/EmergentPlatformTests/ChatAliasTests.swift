import EmergentCore
import EmergentPlatform
import Foundation
import NIOHTTP1
import Testing

@Suite("OpenAI alias agent:<id>", .serialized)
struct ChatAliasTests {
    @Test("whole: the answer is the message content; the run rides in the 'emergent' field")
    func whole() async throws {
        let live = try await PlatformServer.start()
        defer { Task { await live.stop() } }
        let id = try await live.createAgent(TestScripts.agent())
        let reply = try await live.send(
            "/v1/chat/completions",
            json: [
                "model": .string("agent:\(id)"),
                "messages": [
                    ["role": "system", "content": "ignored: the agent has its own instructions"],
                    ["role": "user", "content": "first"], ["role": "assistant", "content": "ok"],
                    ["role": "user", "content": [["type": "text", "text": "python: print(7 * 6)"]]],
                ],
            ])
        #expect(reply.status == 200, "\(reply.body)")
        #expect(reply.json["object"] == "chat.completion")
        #expect(reply.json["model"]?.stringValue == "agent:\(id)")
        #expect(reply.json["choices"]?[0]?["message"]?["content"] == "The result is 42.")
        #expect(reply.json["choices"]?[0]?["finish_reason"] == "stop")
        let steps = reply.json["emergent"]?["steps"]?.arrayValue ?? []
        #expect(steps.map { $0["kind"] } == ["model", "tool", "model"])
        // The earlier turns became the stored conversation's start.
        let conversation = reply.json["emergent"]?["conversation_id"]?.stringValue ?? ""
        let stored = try await live.send("/v1/conversations/\(conversation)", method: .GET)
        #expect(stored.json["messages"]?[0]?["content"] == "first")
    }

    @Test("streamed: content chunks carry the answer, tool steps come as empty-delta chunks with 'emergent', then [DONE]")
    func streamed() async throws {
        let live = try await PlatformServer.start()
        defer { Task { await live.stop() } }
        let id = try await live.createAgent(TestScripts.agent())
        let reply = try await live.send(
            "/v1/chat/completions",
            json: [
                "model": .string("agent:\(id)"), "stream": true, "stream_options": ["include_usage": true],
                "messages": [["role": "user", "content": "python: print(5 * 5)"]],
            ])
        #expect(reply.status == 200)
        let blocks = reply.body.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: ") }
        #expect(blocks.last == "data: [DONE]")
        let chunks = blocks.dropLast().compactMap { try? JSONParser.parse(String($0.dropFirst(6))) }
        #expect(chunks.allSatisfy { $0["object"] == "chat.completion.chunk" })
        let content = chunks.compactMap { $0["choices"]?[0]?["delta"]?["content"]?.stringValue }.joined()
        #expect(content == "The result is 25.")
        let stepEvents = chunks.compactMap { $0["emergent"]?["event"]?.stringValue }
        #expect(stepEvents.contains("tool.call"))
        #expect(stepEvents.contains("tool.output"))
        #expect(chunks.contains { $0["choices"]?[0]?["finish_reason"] == "stop" })
        #expect(chunks.last?["usage"]?["completion_tokens"]?.intValue ?? 0 > 0)
    }

    @Test("bad alias requests: unknown agent 404, last message not the user's 400")
    func badRequests() async throws {
        let live = try await PlatformServer.start()
        defer { Task { await live.stop() } }
        let id = try await live.createAgent(TestScripts.agent())
        let unknown = try await live.send(
            "/v1/chat/completions", json: ["model": "agent:agt_missing", "messages": [["role": "user", "content": "x"]]])
        #expect(unknown.status == 404)
        let notUser = try await live.send(
            "/v1/chat/completions",
            json: ["model": .string("agent:\(id)"), "messages": [["role": "assistant", "content": "x"]]])
        #expect(notUser.status == 400)
        #expect(notUser.json["error"]?["param"] == "messages")
        let noKey = try await live.send(
            "/v1/chat/completions", json: ["model": .string("agent:\(id)"), "messages": [["role": "user", "content": "x"]]],
            key: "")
        #expect(noKey.status == 401)
    }

    @Test("the official openai Python SDK works unchanged against an agent, whole and streamed")
    func openAISDK() async throws {
        let python = URL(fileURLWithPath: ".deps/clients-venv/bin/python")
        try #require(
            FileManager.default.isExecutableFile(atPath: python.path),
            "run scripts/setup.sh --peers to install the openai SDK into .deps/clients-venv")
        let live = try await PlatformServer.start()
        defer { Task { await live.stop() } }
        let id = try await live.createAgent(TestScripts.agent())
        let process = Process()
        process.executableURL = python
        process.arguments = [
            "Tests/Compat/openai_agent_check.py", "--base-url", live.base + "/v1", "--api-key", PlatformServer.adminKey,
            "--agent", id,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("all agent checks passed"), "\(text)")
    }
}
