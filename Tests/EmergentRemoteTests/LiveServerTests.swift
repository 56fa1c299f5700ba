import AsyncHTTPClient
import EmergentCore
import EmergentModels
import EmergentRemote
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The backend and the pool against llama.cpp's own server: a real OpenAI-compatible API over loopback.
@Suite(
    "Against llama-server", .enabled(if: LlamaServer.isAvailable, "llama-server, its template or the model is missing"),
    .llamaServer, .serialized)
struct LiveServerTests {
    var server: LlamaServer {
        get throws { try #require(LlamaServer.current, "the suite's llama-server did not start") }
    }

    /// Greedy, short, and different from the other tests' prompts.
    func request(_ prompt: String, maxTokens: Int = 8) -> ChatRequest {
        ChatRequest(messages: [.user(prompt)], maxTokens: maxTokens)
    }

    @Test("a streamed chat reply carries content and ends with one finish with usage")
    func streamedChat() async throws {
        let reply = await Collected.from(backend(try server.baseURL).stream(request("Name a colour.")))
        #expect(reply.error == nil)
        #expect(!reply.content.isEmpty)
        #expect(reply.finishes.count == 1)
        guard case .finished(let reason, let usage)? = reply.events.last else {
            Issue.record("the reply did not end with its finish")
            return
        }
        #expect(reason == .maxTokens || reason == .endOfGeneration)
        #expect(usage.promptTokens > 0)
        #expect(usage.completionTokens > 0 && usage.completionTokens <= 8)
        #expect(usage.generationSeconds > 0, "llama-server's timings were not read")
    }

    @Test("a required tool call streams its start and arguments that parse as JSON")
    func requiredToolCall() async throws {
        let weather = ToolSpec(
            name: "get_weather", description: "Current weather in a city",
            parameters: [
                "type": "object", "properties": ["city": ["type": "string", "maxLength": 12]], "required": ["city"],
            ])
        // Earlier turns show the model the call format, so the tiny base model reaches a call within the budget.
        var messages: [ChatMessage] = []
        for (id, city, answer) in [("c1", "Paris", "sunny"), ("c2", "Rome", "rainy")] {
            messages += [
                .user("Weather in \(city)?"),
                .assistant("", toolCalls: [ToolCall(id: id, name: "get_weather", arguments: ["city": .string(city)])]),
                .tool(answer, callID: id, name: "get_weather"),
                .assistant("It is \(answer) in \(city)."),
            ]
        }
        messages.append(.user("Weather in Oslo?"))
        let request = ChatRequest(
            messages: messages, tools: [weather], toolChoice: .required, parallelToolCalls: false, maxTokens: 40)

        let reply = await Collected.from(backend(try server.baseURL).stream(request))
        #expect(reply.error == nil)
        let start = try #require(reply.toolCallStarts.first)
        #expect(start.name == "get_weather")
        #expect(!start.id.isEmpty)
        let arguments = try JSONSerialization.jsonObject(with: Data(reply.arguments(of: start.index).utf8))
        #expect((arguments as? [String: Any])?["city"] is String)
        #expect(reply.finishes.count == 1)
    }

    @Test("log-probabilities come for every generated token, with the requested alternatives")
    func logprobs() async throws {
        var chat = request("Say hi.", maxTokens: 4)
        chat.logprobs = 3
        let reply = await Collected.from(backend(try server.baseURL).stream(chat))
        #expect(reply.error == nil)
        let usage = try #require(reply.finishes.first?.usage)
        #expect(reply.logprobs.count == usage.completionTokens)
        for token in reply.logprobs {
            #expect(token.logprob <= 0)
            #expect(token.top.count == 3)
            #expect(token.bytes == Array(token.token.utf8) || !token.bytes.isEmpty)
        }
        #expect(reply.logprobs.map(\.token).joined() == reply.content)
    }

    @Test("a request the server refuses fails with its 400 and message, without retries")
    func refusedRequest() async throws {
        var chat = request("Hi")
        chat.responseFormat = .jsonSchema(["type": "bogus"], strict: false)
        // A retry would wait at least half the backoff (60 s): far longer than any slow answer on a busy machine.
        // Its own client, so the request goes out on a fresh connection (never a pooled one the server has closed).
        let model = RemoteBackend(
            endpoint: RemoteEndpoint(
                baseURL: try server.baseURL, model: "test-model", requestTimeout: .seconds(300), maxRetries: 3,
                backoffBase: .seconds(120), maxRetryDelay: .seconds(120)))
        defer { Task { try? await model.shutdown() } }
        let clock = ContinuousClock()
        let start = clock.now
        let reply = await Collected.from(model.stream(chat))
        let error = try #require(reply.remoteError)
        #expect(error.status == 400)
        #expect(error.message.contains("bogus"))
        #expect(error.url == (try server.baseURL) + "/chat/completions")
        #expect(clock.now - start < .seconds(45), "a retry would have waited at least 60 s")
    }

    @Test("cancelling the consumer mid-stream stops the generation on the server")
    func cancellation() async throws {
        let server = try server
        let clock = ContinuousClock()
        for try await event in backend(server.baseURL).stream(request("Write a long story.", maxTokens: 1000)) {
            if case .content = event { break }
        }
        let stoppedAt = clock.now
        // llama-server frees the slot when the client goes away; it would otherwise generate for a long time.
        var busy = true
        while busy, clock.now - stoppedAt < .seconds(5) {
            busy = try await Self.anySlotBusy(server)
            if busy { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(!busy, "llama-server still generates after the consumer stopped")
    }

    static func anySlotBusy(_ server: LlamaServer) async throws -> Bool {
        let response = try await sharedClient.execute(
            HTTPClientRequest(url: "\(server.origin)/slots"), timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 20)
        let slots = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [[String: Any]]
        return slots?.contains { $0["is_processing"] as? Bool == true } ?? true
    }

    @Test("models lists the model the server serves")
    func models() async throws {
        let names = try await backend(try server.baseURL).models()
        #expect(names.contains { $0.hasSuffix(EmergentPaths.defaultModelFileName) })
    }

    @Test("forward passes /completions through, whole or streamed")
    func forward() async throws {
        let model = backend(try server.baseURL)
        let body = ByteBuffer(string: #"{"prompt":"The sky is","max_tokens":3,"temperature":0}"#)
        let whole = try await model.forward(path: "/completions", body: body, stream: false)
        #expect(whole.status == .ok)
        let json = try await whole.body.collect(upTo: 1 << 20)
        #expect(String(buffer: json).contains("\"choices\""))

        let streamed = try await model.forward(
            path: "/completions",
            body: ByteBuffer(string: #"{"prompt":"The sky is","max_tokens":3,"temperature":0,"stream":true}"#),
            stream: true)
        var text = ""
        for try await piece in streamed.body { text += String(buffer: piece) }
        #expect(text.hasPrefix("data: "))
        #expect(text.contains("[DONE]"))
    }

    @Test("forward hands back the server's error answer as it is")
    func forwardError() async throws {
        let response = try await backend(try server.baseURL).forward(
            path: "/chat/completions", body: ByteBuffer(string: #"{"messages":"nope"}"#), stream: false)
        #expect(response.status.code >= 400 && response.status.code < 500)
        let body = try await response.body.collect(upTo: 1 << 20)
        #expect(String(buffer: body).contains("\"error\""))
    }

    @Test("a pool of a dead port and llama-server answers, and rests the dead upstream")
    func poolFailover() async throws {
        let dead = try await LlamaServer.freePort()
        let pool = UpstreamPool(
            model: "gemma",
            upstreams: [backend("http://127.0.0.1:\(dead)/v1", maxRetries: 1), backend(try server.baseURL)])
        let reply = await Collected.from(pool.stream(request("Name a fruit.")))
        #expect(reply.error == nil)
        #expect(!reply.content.isEmpty)
        #expect(reply.finishes.count == 1)
        let stats = await pool.stats()
        #expect(stats[0].failures == 1 && stats[0].isDown())
        #expect(stats[1].requests == 1 && stats[1].failures == 0 && !stats[1].isDown())
        #expect(stats.allSatisfy { $0.outstanding == 0 })

        // While it rests, the dead upstream is not tried.
        #expect(await Collected.from(pool.stream(request("Name a tree."))).error == nil)
        #expect(await pool.stats().map(\.requests) == [1, 2])
    }
}
