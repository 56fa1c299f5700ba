import AsyncHTTPClient
import EmergentCore
import EmergentEngine
import EmergentServer
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Testing

/// A server running in this process on a free loopback port, with the default model.
final class LiveServer: Sendable {
    let server: EmergentServer
    let port: Int
    let task: Task<Void, any Error>
    let service: LocalModelService

    static let model = Task { try await Model.load(from: EmergentPaths().defaultModel.path) }

    static func start(
        slots: Int = 2, context: Int = 1024, queue: Int = 8, apiKey: String? = nil, bodyLimit: Int = 32 << 20
    ) async throws -> LiveServer {
        let model = try await model.value
        let service = try await LocalModelService(
            name: "test-model", model: model,
            options: BatchEngineOptions(
                session: SessionOptions(contextLength: context, batchSize: 256), slots: slots, queueLimit: queue))
        let server = EmergentServer(
            catalog: ModelCatalog([.local(service)]),
            options: ServerOptions(host: "127.0.0.1", port: 0, apiKey: apiKey, bodyLimit: bodyLimit))
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let task = Task {
            try await server.run(logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })) {
                continuation.yield($0)
            }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return LiveServer(server: server, port: port, task: task, service: service)
    }

    init(server: EmergentServer, port: Int, task: Task<Void, any Error>, service: LocalModelService) {
        self.server = server
        self.port = port
        self.task = task
        self.service = service
    }

    func stop() { task.cancel() }

    var base: String { "http://127.0.0.1:\(port)" }

    /// Sends a request and returns status, headers and the whole body.
    func send(
        _ path: String, method: HTTPMethod = .POST, body: String? = nil, headers: [(String, String)] = []
    ) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return (Int(response.status.code), response.headers, String(buffer: bytes))
    }

    func json(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }
}

@Suite("OpenAI-compatible server", .serialized)
struct ServerTests {
    @Test("every route the router answers is in the OpenAPI document, and the document is served")
    func openAPICoversRoutes() async throws {
        let live = try await LiveServer.start()
        defer { live.stop() }
        let routed = Set(live.server.routeSignatures)
        let documented = Set(
            OpenAPIDocument.operations.map { "\($0.method) \($0.path)" })
        #expect(routed == documented, "undocumented: \(routed.subtracting(documented)); stale: \(documented.subtracting(routed))")
        let reply = try await live.send("/openapi.json", method: .GET)
        #expect(reply.status == 200)
        let document = try live.json(reply.body)
        #expect(document["openapi"] == "3.1.0")
        #expect(document["paths"]?["/v1/chat/completions"]?["post"]?["requestBody"] != nil)
    }

    @Test("a chat completion streams OpenAI's chunk shapes, and a repeated prompt reports cached tokens")
    func streamingShape() async throws {
        let live = try await LiveServer.start()
        defer { live.stop() }
        let body = #"{"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":[{"type":"text","text":"Name a colour."}]}],"max_tokens":6,"temperature":0,"stream":true,"stream_options":{"include_usage":true},"logprobs":true,"top_logprobs":2}"#
        let first = try await live.send("/v1/chat/completions", body: body)
        #expect(first.status == 200)
        #expect(first.headers.first(name: "content-type") == "text/event-stream")
        let events = first.body.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        #expect(events.last == "data: [DONE]")
        let chunks = try events.dropLast().map { try live.json(String($0.dropFirst("data: ".count))) }
        #expect(chunks.first?["choices"]?.arrayValue?.first?["delta"]?["role"] == "assistant")
        let finishes = chunks.compactMap { $0["choices"]?.arrayValue?.first?["finish_reason"]?.stringValue }
        #expect(finishes == ["length"])
        let usage = try #require(chunks.last?["usage"])
        #expect(chunks.last?["choices"] == .array([]))
        #expect(usage["completion_tokens"] == 6)
        let withLogprobs = chunks.filter { $0["choices"]?.arrayValue?.first?["logprobs"]?["content"] != nil }
        #expect(!withLogprobs.isEmpty)

        let second = try await live.send("/v1/chat/completions", body: body)
        let last = try live.json(String(second.body.components(separatedBy: "\n\n").filter { !$0.isEmpty }.dropLast().last?.dropFirst(6) ?? ""))
        let cached = try #require(last["usage"]?["prompt_tokens_details"]?["cached_tokens"]?.intValue)
        let prompt = try #require(last["usage"]?["prompt_tokens"]?.intValue)
        #expect(cached >= prompt - 1, "cached \(cached) of \(prompt)")
    }

    @Test("streamed completions carry every token's log-probability, with offsets that continue across chunks")
    func streamedCompletionLogprobs() async throws {
        let live = try await LiveServer.start()
        defer { live.stop() }
        let body = #"{"prompt":"The sky is","max_tokens":8,"ignore_eos":true,"logprobs":2,"echo":true,"temperature":0"#
        let whole = try live.json(try await live.send("/v1/completions", body: body + "}").body)
        let streamed = try await live.send("/v1/completions", body: body + #","stream":true}"#)
        let chunks = try streamed.body.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: {") }
            .compactMap { try live.json(String($0.dropFirst(6)))["choices"]?.arrayValue?.first }
        let text = chunks.compactMap { $0["text"]?.stringValue }.joined()
        let tokens = chunks.flatMap { $0["logprobs"]?["tokens"]?.arrayValue ?? [] }
        let offsets = chunks.flatMap { $0["logprobs"]?["text_offset"]?.arrayValue ?? [] }.compactMap(\.intValue)
        let wholeChoice = try #require(whole["choices"]?.arrayValue?.first)
        #expect(text == wholeChoice["text"]?.stringValue)
        #expect(tokens == wholeChoice["logprobs"]?["tokens"]?.arrayValue)
        #expect(offsets == wholeChoice["logprobs"]?["text_offset"]?.arrayValue?.compactMap(\.intValue))
        #expect(offsets == offsets.sorted() && offsets.count == tokens.count)
    }

    @Test("n choices are generated side by side, whole or streamed, each with its own index and finish")
    func severalChoices() async throws {
        let live = try await LiveServer.start(slots: 4)
        defer { live.stop() }
        let whole = try await live.send(
            "/v1/chat/completions",
            body: #"{"messages":[{"role":"user","content":"Name a fruit."}],"n":3,"max_tokens":5,"temperature":1,"seed":5}"#)
        #expect(whole.status == 200)
        let reply = try live.json(whole.body)
        let choices = try #require(reply["choices"]?.arrayValue)
        #expect(choices.compactMap { $0["index"]?.intValue } == [0, 1, 2])
        #expect(choices.allSatisfy { $0["message"]?["content"]?.stringValue != nil })
        // Sampled choices may end early (end of text), but never past max_tokens.
        #expect((1...15).contains(reply["usage"]?["completion_tokens"]?.intValue ?? 0))
        #expect(choices.allSatisfy { ["stop", "length"].contains($0["finish_reason"]?.stringValue ?? "") })

        let streamed = try await live.send(
            "/v1/chat/completions",
            body: #"{"messages":[{"role":"user","content":"Name a fruit."}],"n":2,"max_tokens":4,"stream":true}"#)
        let chunks = try streamed.body.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: {") }
            .map { try live.json(String($0.dropFirst(6))) }
        let finishes = chunks.compactMap { chunk -> Int? in
            guard let choice = chunk["choices"]?.arrayValue?.first, choice["finish_reason"]?.stringValue != nil else {
                return nil
            }
            return choice["index"]?.intValue
        }
        #expect(finishes.sorted() == [0, 1])
        let roles = chunks.compactMap { $0["choices"]?.arrayValue?.first }.filter { $0["delta"]?["role"] != nil }
        #expect(roles.compactMap { $0["index"]?.intValue }.sorted() == [0, 1])
        let tooMany = try await live.send("/v1/chat/completions", body: #"{"messages":[{"role":"user","content":"x"}],"n":17}"#)
        #expect(tooMany.status == 400)
        #expect(try live.json(tooMany.body)["error"]?["param"] == "n")
    }

    @Test("bad requests get OpenAI-shaped errors with the right status and parameter")
    func errors() async throws {
        let live = try await LiveServer.start(context: 256)
        defer { live.stop() }
        let long = String(repeating: "word ", count: 600)
        let cases: [(String, String, Int, String?, String)] = [
            ("/v1/chat/completions", #"{"messages": [1,"#, 400, nil, "invalid_json"),
            ("/v1/chat/completions", #"{"model":"test-model"}"#, 400, "messages", "missing_required_parameter"),
            ("/v1/chat/completions", #"{"messages":"hi"}"#, 400, "messages", "invalid_type"),
            ("/v1/chat/completions", #"{"messages":[{"role":"robot","content":"x"}]}"#, 400, "messages.0.role", "invalid_value"),
            ("/v1/chat/completions", #"{"messages":[{"role":"user","content":"x"}],"temperature":5}"#, 400, "temperature", "invalid_value"),
            ("/v1/chat/completions", #"{"messages":[{"role":"user","content":"x"}],"max_tokens":-1}"#, 400, "max_tokens", "invalid_value"),
            ("/v1/chat/completions", #"{"messages":[{"role":"user","content":"x"}],"frobnicate":1}"#, 400, "frobnicate", "unknown_parameter"),
            ("/v1/chat/completions", #"{"messages":[{"role":"user","content":"x"}],"model":"nope"}"#, 404, "model", "model_not_found"),
            ("/v1/chat/completions", #"{"messages":[{"role":"user","content":"x"}],"tool_choice":"required"}"#, 400, "tool_choice", "invalid_value"),
            ("/v1/chat/completions", #"{"messages":[{"role":"user","content":"\#(long)"}]}"#, 400, "messages", "context_length_exceeded"),
            ("/v1/completions", #"{"prompt":[]}"#, 400, "prompt", "invalid_value"),
            ("/v1/completions", #"{"prompt":[1, 999999999]}"#, 400, "prompt", "invalid_value"),
            ("/v1/embeddings", #"{"input":[""]}"#, 400, "input.0", "invalid_value"),
            ("/detokenize", #"{"tokens":[-3]}"#, 400, "tokens.0", "invalid_value"),
        ]
        for (path, body, status, param, code) in cases {
            let reply = try await live.send(path, body: body)
            #expect(reply.status == status, "\(body.prefix(60)) → \(reply.status) \(reply.body.prefix(200))")
            let error = try live.json(reply.body)["error"]
            #expect(error?["param"]?.stringValue == param, "\(body.prefix(60)): \(reply.body.prefix(200))")
            #expect(error?["code"]?.stringValue == code, "\(body.prefix(60)): \(reply.body.prefix(200))")
            #expect((error?["message"]?.stringValue ?? "").count > 10)
        }
        // The server is still healthy and its slots are free.
        #expect(try await live.send("/health", method: .GET).status == 200)
        #expect(await live.service.engine.isIdle)
    }

    @Test("an API key is required when set, a body over the limit gets 413")
    func authAndLimit() async throws {
        let live = try await LiveServer.start(apiKey: "k-123", bodyLimit: 1024)
        defer { live.stop() }
        let body = #"{"messages":[{"role":"user","content":"hi"}],"max_tokens":1}"#
        let missing = try await live.send("/v1/chat/completions", body: body)
        #expect(missing.status == 401)
        #expect(try live.json(missing.body)["error"]?["type"] == "authentication_error")
        let wrong = try await live.send("/v1/chat/completions", body: body, headers: [("Authorization", "Bearer nope")])
        #expect(wrong.status == 401)
        let right = try await live.send("/v1/chat/completions", body: body, headers: [("Authorization", "Bearer k-123")])
        #expect(right.status == 200)
        #expect(try await live.send("/health", method: .GET).status == 200)
        let big = #"{"prompt":""# + String(repeating: "a", count: 4096) + #""}"#
        let tooLarge = try await live.send("/v1/completions", body: big, headers: [("Authorization", "Bearer k-123")])
        #expect(tooLarge.status == 413)
        #expect(try live.json(tooLarge.body)["error"]?["code"] == "request_too_large")
    }

    @Test("a full queue answers 503 with Retry-After")
    func queueFull() async throws {
        let live = try await LiveServer.start(slots: 1, queue: 0)
        defer { live.stop() }
        let long = #"{"prompt":"Once upon a time","max_tokens":400,"ignore_eos":true,"stream":true}"#
        let running = Task { try await live.send("/v1/completions", body: long) }
        while await live.service.engine.status.busySlots == 0 { try await Task.sleep(for: .milliseconds(20)) }
        let refused = try await live.send("/v1/completions", body: #"{"prompt":"Hi","max_tokens":2}"#)
        #expect(refused.status == 503)
        #expect(refused.headers.first(name: "retry-after") == "1")
        #expect(try live.json(refused.body)["error"]?["code"] == "server_overloaded")
        running.cancel()
        _ = try? await running.value
    }

    @Test("a client that disconnects mid-stream frees its slot at once")
    func disconnectFreesSlot() async throws {
        let live = try await LiveServer.start(slots: 1)
        defer { live.stop() }
        let client = Task {
            var request = HTTPClientRequest(url: live.base + "/v1/completions")
            request.method = .POST
            request.body = .bytes(ByteBuffer(string: #"{"prompt":"Count: one, two,","max_tokens":900,"ignore_eos":true,"stream":true}"#))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
            var chunks = 0
            for try await _ in response.body {
                chunks += 1
                if chunks == 4 { break }  // walk away: the connection is closed under the stream
            }
            return chunks
        }
        #expect(try await client.value == 4)
        let deadline = ContinuousClock.now + .seconds(3)
        while await !live.service.engine.isIdle, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let status = await live.service.engine.status
        #expect(status.busySlots == 0, "the slot is still busy after the client left")
        #expect(status.cachedTokens[0] < 200, "generation went on to \(status.cachedTokens[0]) tokens")
        // The next request is served normally.
        let next = try await live.send("/v1/completions", body: #"{"prompt":"Hello","max_tokens":2}"#)
        #expect(next.status == 200)
    }

    @Test("64 concurrent connections all succeed, and metrics count them")
    func loadAndMetrics() async throws {
        let live = try await LiveServer.start(slots: 4, queue: 64)
        defer { live.stop() }
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<64 {
                group.addTask {
                    try await live.send(
                        "/v1/completions", body: #"{"prompt":"Request \#(index):","max_tokens":3,"temperature":0}"#
                    ).status
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.count == 64 && statuses.allSatisfy { $0 == 200 }, "\(statuses.filter { $0 != 200 })")
        #expect(await live.service.engine.isIdle)
        let metrics = try await live.send("/metrics", method: .GET).body
        #expect(metrics.contains(#"emergent_requests_total{route="/v1/completions",status="200"} 64"#))
        #expect(metrics.contains("emergent_time_to_first_token_seconds_count 64"))
        #expect(metrics.contains(#"emergent_slots_total{model="test-model"} 4"#))
        #expect(metrics.contains("emergent_generated_tokens_total 192"))
    }
}
