import AsyncHTTPClient
import EmergentCore
import EmergentModels
import EmergentRemote
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// Upstream choice, resting and failover, against scripted loopback servers.
@Suite("UpstreamPool over scripted HTTP")
struct UpstreamPoolTests {
    let hello = ChatRequest(messages: [.user("Hi")], maxTokens: 8)

    func pool(_ urls: [String], coolDown: Duration = .seconds(30), maxRetries: Int = 0) -> UpstreamPool {
        UpstreamPool(model: "public", upstreams: urls.map { backend($0, maxRetries: maxRetries) }, coolDown: coolDown)
    }

    @Test("idle upstreams take turns")
    func roundRobin() async throws {
        let first = try await ScriptedServer.start(always: .events(SSE.hello))
        let second = try await ScriptedServer.start(always: .events(SSE.hello))
        defer {
            Task {
                await first.stop(); await second.stop()
            }
        }
        let pool = pool([first.baseURL, second.baseURL])
        for _ in 0..<4 {
            let reply = await Collected.from(pool.stream(hello))
            #expect(reply.content == "Hello")
        }
        #expect(first.requests.count == 2 && second.requests.count == 2)
        #expect(await pool.stats().map(\.outstanding) == [0, 0])
    }

    @Test("a call goes to the upstream with the fewest calls in progress")
    func fewestOutstanding() async throws {
        let busy = try await ScriptedServer.start(always: .endless(SSE.content("x"), interval: .milliseconds(50)))
        let idle = try await ScriptedServer.start(always: .events(SSE.hello))
        defer {
            Task {
                await busy.stop(); await idle.stop()
            }
        }
        let pool = pool([busy.baseURL, idle.baseURL])
        let long = pool.stream(hello)
        var iterator = long.makeAsyncIterator()
        _ = try await iterator.next()  // the long call is now in progress on `busy`
        #expect(await pool.stats().map(\.outstanding) == [1, 0])
        for _ in 0..<2 { #expect(await Collected.from(pool.stream(hello)).content == "Hello") }
        #expect(busy.requests.count == 1 && idle.requests.count == 2)
    }

    @Test("a failing upstream rests for its cool-down and is tried again after it")
    func coolDown() async throws {
        let flaky = try await ScriptedServer.start { index, _ in
            index == 0 ? .status(500, body: "boom") : .events(SSE.hello)
        }
        let steady = try await ScriptedServer.start(always: .events(SSE.hello))
        defer {
            Task {
                await flaky.stop(); await steady.stop()
            }
        }
        let pool = pool([flaky.baseURL, steady.baseURL], coolDown: .milliseconds(300))

        #expect(await Collected.from(pool.stream(hello)).content == "Hello")  // flaky fails, steady answers
        var stats = await pool.stats()
        #expect(stats[0].failures == 1 && stats[0].isDown())
        #expect(await Collected.from(pool.stream(hello)).content == "Hello")
        #expect(flaky.requests.count == 1)  // resting

        try await Task.sleep(for: .milliseconds(400))
        #expect(await Collected.from(pool.stream(hello)).content == "Hello")
        #expect(flaky.requests.count == 2)
        stats = await pool.stats()
        #expect(!stats[0].isDown() && stats[0].downUntil == nil)
        #expect(stats.map(\.requests) == [2, 2])
    }

    @Test("when every upstream rests, the one whose rest ends first is tried")
    func allDown() async throws {
        let first = try await ScriptedServer.start { index, _ in index == 0 ? .status(503) : .events(SSE.hello) }
        let second = try await ScriptedServer.start { index, _ in index == 0 ? .status(503) : .events(SSE.hello) }
        defer {
            Task {
                await first.stop(); await second.stop()
            }
        }
        let pool = pool([first.baseURL, second.baseURL])

        let failed = await Collected.from(pool.stream(hello))
        #expect(failed.remoteError?.status == 503)
        #expect(await pool.stats().allSatisfy { $0.isDown() })

        let reply = await Collected.from(pool.stream(hello))
        #expect(reply.content == "Hello")
        #expect(first.requests.count == 2 && second.requests.count == 1)
        #expect(await pool.stats().map { $0.isDown() } == [false, true])
    }

    @Test("a request error such as 400 is not failed over and does not rest the upstream")
    func noFailoverOnClientError() async throws {
        let rejecting = try await ScriptedServer.start(always: .status(400, body: #"{"error":{"message":"bad"}}"#))
        let other = try await ScriptedServer.start(always: .events(SSE.hello))
        defer {
            Task {
                await rejecting.stop(); await other.stop()
            }
        }
        let pool = pool([rejecting.baseURL, other.baseURL])
        let reply = await Collected.from(pool.stream(hello))
        #expect(reply.remoteError?.status == 400)
        #expect(other.requests.isEmpty)
        #expect(await pool.stats().allSatisfy { !$0.isDown() && $0.failures == 0 })
    }

    @Test("a failure after the first token is passed on, not failed over")
    func noFailoverAfterFirstToken() async throws {
        let breaking = try await ScriptedServer.start(always: .eventsThenDrop([SSE.content("Hi")]))
        let other = try await ScriptedServer.start(always: .events(SSE.hello))
        defer {
            Task {
                await breaking.stop(); await other.stop()
            }
        }
        let reply = await Collected.from(pool([breaking.baseURL, other.baseURL]).stream(hello))
        #expect(reply.content == "Hi")
        #expect(reply.error != nil)
        #expect(other.requests.isEmpty)
    }

    @Test("forwarding fails over from a dead upstream and returns the live one's answer")
    func forwardFailover() async throws {
        let dead = try await LlamaServer.freePort()
        let live = try await ScriptedServer.start(always: .status(200, body: #"{"data":[{"embedding":[0.5]}]}"#))
        defer { Task { await live.stop() } }
        let pool = pool(["http://127.0.0.1:\(dead)/v1", live.baseURL])
        let response = try await pool.forward(
            path: "/embeddings", body: ByteBuffer(string: #"{"input":"hi"}"#), stream: false)
        #expect(response.status == .ok)
        let body = try await response.body.collect(upTo: 1 << 20)
        #expect(String(buffer: body) == #"{"data":[{"embedding":[0.5]}]}"#)
        #expect(live.requests.first?.uri == "/v1/embeddings")
        #expect(live.requests.first?.body == #"{"input":"hi"}"#)
        let stats = await pool.stats()
        #expect(stats[0].failures == 1 && stats[0].isDown())
    }

    @Test("a streamed forward counts as in progress until its body is read")
    func forwardLease() async throws {
        let live = try await ScriptedServer.start(always: .events(SSE.hello))
        defer { Task { await live.stop() } }
        let pool = pool([live.baseURL])
        var response: UpstreamResponse? = try await pool.forward(
            path: "/completions", body: ByteBuffer(string: "{}"), stream: true)
        #expect(await pool.stats()[0].outstanding == 1)
        var text = ""
        for try await piece in try #require(response).body { text += String(buffer: piece) }
        response = nil
        #expect(text.contains("[DONE]"))
        var outstanding = await pool.stats()[0].outstanding
        for _ in 0..<50 where outstanding != 0 {
            try await Task.sleep(for: .milliseconds(10))
            outstanding = await pool.stats()[0].outstanding
        }
        #expect(outstanding == 0)
    }
}
