import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A loopback HTTP server that answers each request the way a test scripts it: failures, slow or broken streams and
/// odd chunking, over real HTTP.
final class ScriptedServer: Sendable {
    /// How to answer one request.
    enum Reply: Sendable {
        /// A whole response.
        case status(Int, headers: [(String, String)] = [], body: String = "")
        /// A 200 `text/event-stream` written in these pieces, each flushed on its own, `pause` apart.
        case events([String], pause: Duration = .zero)
        /// Like `events`, in raw bytes, so that pieces may split a character.
        case eventBytes([[UInt8]], pause: Duration = .zero)
        /// Like `events`, then the connection is dropped before the body ends.
        case eventsThenDrop([String])
        /// A 200 event stream that writes `piece` every `interval` until the client goes away.
        case endless(String, interval: Duration)
        /// No answer for `duration`, then the connection is closed.
        case silence(Duration)
    }

    /// A request as the server received it.
    struct Request: Sendable {
        var method: HTTPMethod
        var uri: String
        var headers: HTTPHeaders
        var body: String
    }

    private final class Recorder: Sendable {
        struct State {
            var requests: [Request] = []
            var clientLeftAt: ContinuousClock.Instant?
        }
        let state = Mutex(State())
    }

    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    let port: Int
    private let recorder = Recorder()
    private let channel: any Channel
    private let serving: Task<Void, Never>

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }
    var requests: [Request] { recorder.state.withLock { $0.requests } }
    /// When the client of an `endless` stream went away.
    var clientLeftAt: ContinuousClock.Instant? { recorder.state.withLock { $0.clientLeftAt } }

    /// Starts a server that answers request number `n` (from 0) with `script(n, request)`.
    static func start(_ script: @escaping @Sendable (Int, Request) -> Reply) async throws -> ScriptedServer {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        return ScriptedServer(server, script: script)
    }

    /// Starts a server that answers every request with `reply`.
    static func start(always reply: Reply) async throws -> ScriptedServer {
        try await start { _, _ in reply }
    }

    private init(_ server: NIOAsyncChannel<Connection, Never>, script: @escaping @Sendable (Int, Request) -> Reply) {
        port = server.channel.localAddress?.port ?? 0
        channel = server.channel
        serving = Task { [recorder] in
            await withDiscardingTaskGroup { group in
                try? await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { try? await Self.serve(connection, script: script, recorder: recorder) }
                    }
                }
                group.cancelAll()
            }
        }
    }

    func stop() async {
        try? await channel.close()
        serving.cancel()
        await serving.value
    }

    private static func serve(
        _ connection: Connection, script: @Sendable (Int, Request) -> Reply, recorder: Recorder
    ) async throws {
        try await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body = ""
            for try await part in inbound {
                switch part {
                case .head(let value):
                    head = value
                    body = ""
                case .body(let buffer):
                    body += String(buffer: buffer)
                case .end:
                    guard let head else { return }
                    let request = Request(method: head.method, uri: head.uri, headers: head.headers, body: body)
                    let index = recorder.state.withLock { state in
                        state.requests.append(request)
                        return state.requests.count - 1
                    }
                    guard try await respond(script(index, request), to: outbound, recorder: recorder) else { return }
                }
            }
        }
    }

    /// Writes `reply`; returns whether the connection may serve another request.
    private static func respond(
        _ reply: Reply, to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>, recorder: Recorder
    ) async throws -> Bool {
        func writeStreamHead() async throws {
            let headers = HTTPHeaders([("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache")])
            try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)))
        }
        func write(_ text: String) async throws {
            try await outbound.write(.body(.byteBuffer(ByteBuffer(string: text))))
        }
        switch reply {
        case .status(let code, let extra, let body):
            var headers = HTTPHeaders(extra)
            headers.replaceOrAdd(name: "Content-Length", value: "\(body.utf8.count)")
            if !headers.contains(name: "Content-Type") { headers.add(name: "Content-Type", value: "application/json") }
            let status = HTTPResponseStatus(statusCode: code)
            try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)))
            try await write(body)
            try await outbound.write(.end(nil))
            return true
        case .events(let pieces, let pause):
            return try await respond(
                .eventBytes(pieces.map { Array($0.utf8) }, pause: pause), to: outbound, recorder: recorder)
        case .eventBytes(let pieces, let pause):
            try await writeStreamHead()
            for piece in pieces {
                try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: piece))))
                if pause > .zero { try await Task.sleep(for: pause) }
            }
            try await outbound.write(.end(nil))
            return true
        case .eventsThenDrop(let pieces):
            try await writeStreamHead()
            for piece in pieces { try await write(piece) }
            return false
        case .endless(let piece, let interval):
            try await writeStreamHead()
            while true {
                do {
                    try await write(piece)
                } catch {
                    recorder.state.withLock { $0.clientLeftAt = .now }
                    return false
                }
                try await Task.sleep(for: interval)
            }
        case .silence(let duration):
            try await Task.sleep(for: duration)
            return false
        }
    }
}

/// Pieces of OpenAI's streamed chat format, for scripted replies.
enum SSE {
    static func data(_ json: String) -> String { "data: \(json)\n\n" }
    static func content(_ text: String) -> String {
        data(#"{"choices":[{"index":0,"delta":{"content":"\#(text)"},"finish_reason":null}]}"#)
    }
    static func finish(_ reason: String) -> String {
        data(#"{"choices":[{"index":0,"delta":{},"finish_reason":"\#(reason)"}]}"#)
    }
    static func usage(prompt: Int, completion: Int, cached: Int = 0) -> String {
        data(
            #"{"choices":[],"usage":{"prompt_tokens":\#(prompt),"completion_tokens":\#(completion),"#
                + #""prompt_tokens_details":{"cached_tokens":\#(cached)}}}"#)
    }
    static let done = "data: [DONE]\n\n"

    /// A complete short reply: "Hello" then stop, usage and `[DONE]`.
    static let hello = [content("Hel"), content("lo"), finish("stop"), usage(prompt: 5, completion: 2), done]
}
