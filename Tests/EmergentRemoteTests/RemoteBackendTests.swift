import EmergentCore
import EmergentModels
import EmergentRemote
import Foundation
import Testing

/// The backend against scripted loopback servers: retries, failures, deadlines and stream parsing.
@Suite("RemoteBackend over scripted HTTP")
struct RemoteBackendTests {
    let hello = ChatRequest(messages: [.user("Hi")], maxTokens: 8)

    @Test("a streamed reply maps to content and exactly one finish, with usage and cached tokens")
    func streamedReply() async throws {
        let server = try await ScriptedServer.start(
            always: .events([
                SSE.content("Hel"), SSE.content("lo"), SSE.finish("stop"),
                SSE.usage(prompt: 7, completion: 2, cached: 3),
                SSE.done,
            ]))
        defer { Task { await server.stop() } }
        let reply = await Collected.from(backend(server.baseURL).stream(hello))
        #expect(reply.error == nil)
        #expect(reply.content == "Hello")
        #expect(reply.finishes.count == 1)
        guard case .finished(let reason, let usage)? = reply.events.last else {
            Issue.record("the last event is not the finish")
            return
        }
        #expect(reason == .endOfGeneration)
        #expect(usage.promptTokens == 7 && usage.completionTokens == 2 && usage.reusedPromptTokens == 3)
    }

    @Test("503 twice, then success: retried, and the reply streams normally")
    func retriesServerErrors() async throws {
        let server = try await ScriptedServer.start { index, _ in
            index < 2 ? .status(503, body: #"{"error":{"message":"loading model"}}"#) : .events(SSE.hello)
        }
        defer { Task { await server.stop() } }
        let reply = await Collected.from(backend(server.baseURL, maxRetries: 2).stream(hello))
        #expect(reply.error == nil)
        #expect(reply.content == "Hello")
        #expect(server.requests.count == 3)
    }

    @Test("retries give up after maxRetries with the server's status and message")
    func retriesRunOut() async throws {
        let server = try await ScriptedServer.start(always: .status(503, body: #"{"error":{"message":"overloaded"}}"#))
        defer { Task { await server.stop() } }
        let reply = await Collected.from(backend(server.baseURL, maxRetries: 2).stream(hello))
        let error = try #require(reply.remoteError)
        #expect(error == .rejected(status: 503, message: "overloaded", url: server.baseURL + "/chat/completions"))
        #expect(error.description.contains("overloaded"))
        #expect(server.requests.count == 3)
        #expect(reply.events.isEmpty)
    }

    @Test("429 with Retry-After waits as long as the server asks")
    func honoursRetryAfter() async throws {
        let server = try await ScriptedServer.start { index, _ in
            index == 0 ? .status(429, headers: [("Retry-After", "1")], body: "slow down") : .events(SSE.hello)
        }
        defer { Task { await server.stop() } }
        let clock = ContinuousClock()
        let start = clock.now
        let reply = await Collected.from(backend(server.baseURL, backoff: .milliseconds(1)).stream(hello))
        #expect(reply.error == nil)
        #expect(clock.now - start >= .milliseconds(950))
        #expect(server.requests.count == 2)
    }

    @Test("a Retry-After beyond the endpoint's cap waits only the cap")
    func capsRetryAfter() async throws {
        let server = try await ScriptedServer.start { index, _ in
            index == 0 ? .status(429, headers: [("Retry-After", "120")]) : .events(SSE.hello)
        }
        defer { Task { await server.stop() } }
        let endpoint = RemoteEndpoint(
            baseURL: server.baseURL, model: "m", maxRetries: 1, maxRetryDelay: .milliseconds(200))
        let clock = ContinuousClock()
        let start = clock.now
        let reply = await Collected.from(RemoteBackend(endpoint: endpoint, httpClient: sharedClient).stream(hello))
        #expect(reply.error == nil)
        #expect(clock.now - start < .seconds(5))
    }

    @Test("a client error such as 400 is passed on at once, without retries")
    func clientErrorsAreNotRetried() async throws {
        let server = try await ScriptedServer.start(
            always: .status(
                400, body: #"{"error":{"message":"'messages' is required","type":"invalid_request_error"}}"#))
        defer { Task { await server.stop() } }
        let reply = await Collected.from(backend(server.baseURL, maxRetries: 3).stream(hello))
        #expect(reply.remoteError?.status == 400)
        #expect(reply.remoteError?.message.contains("'messages' is required") == true)
        #expect(server.requests.count == 1)
    }

    @Test("a refused connection is retried, then fails with a clear error")
    func connectionRefused() async throws {
        let port = try await LlamaServer.freePort()
        let reply = await Collected.from(backend("http://127.0.0.1:\(port)/v1", maxRetries: 2).stream(hello))
        let error = try #require(reply.remoteError)
        guard case .connectionFailed(let url, let attempts, _) = error else {
            Issue.record("expected a connection failure, got \(error)")
            return
        }
        #expect(url == "http://127.0.0.1:\(port)/v1/chat/completions")
        #expect(attempts == 3)
        #expect(error.description.contains("Could not connect to http://127.0.0.1:\(port)"))
        #expect(error.recovery != nil)
    }

    @Test("a stream that breaks after its first token is not retried")
    func noRetryAfterFirstToken() async throws {
        let server = try await ScriptedServer.start(always: .eventsThenDrop([SSE.content("Hi")]))
        defer { Task { await server.stop() } }
        let reply = await Collected.from(backend(server.baseURL, maxRetries: 3).stream(hello))
        #expect(reply.content == "Hi")
        #expect(reply.remoteError != nil)
        #expect(reply.finishes.isEmpty)
        #expect(server.requests.count == 1)
    }

    @Test("a stream that ends without a finish reason is reported as incomplete")
    func incompleteStream() async throws {
        let server = try await ScriptedServer.start(always: .events([SSE.content("Hi")]))
        defer { Task { await server.stop() } }
        let reply = await Collected.from(backend(server.baseURL).stream(hello))
        #expect(reply.content == "Hi")
        #expect(reply.remoteError == .incompleteStream(url: server.baseURL + "/chat/completions"))
    }

    @Test(
        "an error reported inside the stream surfaces with the server's message",
        arguments: [
            "error: {\"code\":500,\"message\":\"slot failed\",\"type\":\"server_error\"}\n\n",
            "data: {\"error\":{\"message\":\"slot failed\"}}\n\n",
        ])
    func errorInsideStream(event: String) async throws {
        let server = try await ScriptedServer.start(always: .events([SSE.content("a"), event]))
        defer { Task { await server.stop() } }
        let reply = await Collected.from(backend(server.baseURL).stream(hello))
        #expect(reply.remoteError == .streamFailed(message: "slot failed", url: server.baseURL + "/chat/completions"))
    }

    @Test("an event stream split into tiny network chunks, with CRLF, comments and UTF-8, is reassembled")
    func splitChunks() async throws {
        let text = "h\u{E9}llo \u{2713} \u{1F600}"
        let body =
            ": keep-alive\r\n\r\n"
            + "data:{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\(text)\"}}]}\r\n\r\n"
            + SSE.finish("length") + SSE.usage(prompt: 1, completion: 4) + SSE.done
        let bytes = Array(body.utf8)
        // Pieces of 1 to 3 bytes split lines, CRLF pairs and multi-byte characters.
        var pieces: [[UInt8]] = []
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + 1 + start % 3)
            pieces.append(Array(bytes[start..<end]))
            start = end
        }
        let server = try await ScriptedServer.start(always: .eventBytes(pieces, pause: .milliseconds(1)))
        defer { Task { await server.stop() } }
        let reply = await Collected.from(backend(server.baseURL).stream(hello))
        #expect(reply.error == nil)
        #expect(reply.content == text)
        #expect(reply.finishes.map(\.reason) == [.maxTokens])
    }

    @Test("reasoning and tool-call pieces become reasoning, tool-call start and argument events")
    func reasoningAndToolCalls() async throws {
        let events = [
            SSE.data(#"{"choices":[{"index":0,"delta":{"reasoning_content":"think "}}]}"#),
            SSE.data(#"{"choices":[{"index":0,"delta":{"reasoning":"more"}}]}"#),
            SSE.data(
                #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","#
                    + #""function":{"name":"get_weather","arguments":""}}]}}]}"#),
            SSE.data(
                #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"ci"}}]}}]}"#),
            SSE.data(
                #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"ty\":1}"}}]}}]}"#),
            SSE.data(
                #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_2","function":{"name":"now","#
                    + #""arguments":"{}"}}]}}]}"#),
            SSE.finish("tool_calls"), SSE.usage(prompt: 3, completion: 9), SSE.done,
        ]
        let server = try await ScriptedServer.start(always: .events(events))
        defer { Task { await server.stop() } }
        let reply = await Collected.from(backend(server.baseURL).stream(hello))
        #expect(reply.error == nil)
        #expect(reply.reasoning == "think more")
        #expect(reply.toolCallStarts.map(\.name) == ["get_weather", "now"])
        #expect(reply.toolCallStarts.map(\.id) == ["call_1", "call_2"])
        #expect(reply.arguments(of: 0) == #"{"city":1}"#)
        #expect(reply.arguments(of: 1) == "{}")
        #expect(reply.finishes.map(\.reason) == [.toolCalls])
    }

    @Test("a call past its deadline fails as a timeout")
    func deadline() async throws {
        let server = try await ScriptedServer.start(always: .silence(.seconds(10)))
        defer { Task { await server.stop() } }
        let clock = ContinuousClock()
        let start = clock.now
        let reply = await Collected.from(backend(server.baseURL, timeout: .milliseconds(300)).stream(hello))
        #expect(reply.remoteError == .timedOut(url: server.baseURL + "/chat/completions", after: .milliseconds(300)))
        #expect(clock.now - start < .seconds(3))
    }

    @Test("cancelling the consumer mid-stream closes the connection promptly")
    func cancellation() async throws {
        let server = try await ScriptedServer.start(always: .endless(SSE.content("x"), interval: .milliseconds(20)))
        defer { Task { await server.stop() } }
        let model = backend(server.baseURL)
        let clock = ContinuousClock()
        var received = 0
        for try await event in model.stream(hello) {
            if case .content = event { received += 1 }
            if received == 3 { break }
        }
        let stoppedAt = clock.now
        var left = server.clientLeftAt
        while left == nil, clock.now - stoppedAt < .seconds(3) {
            try await Task.sleep(for: .milliseconds(20))
            left = server.clientLeftAt
        }
        let leftAt = try #require(left, "the server kept streaming after the consumer stopped")
        #expect(leftAt - stoppedAt < .seconds(1))
    }

    @Test("a backend that owns its HTTP client shuts it down, and may be shut down twice")
    func ownedClient() async throws {
        let server = try await ScriptedServer.start(always: .events(SSE.hello))
        defer { Task { await server.stop() } }
        let model = RemoteBackend(endpoint: RemoteEndpoint(baseURL: server.baseURL + "/", model: "m"))
        #expect(model.endpoint.baseURL == server.baseURL)
        let reply = await Collected.from(model.stream(hello))
        #expect(reply.content == "Hello")
        try await model.shutdown()
        try await model.shutdown()
    }
}
