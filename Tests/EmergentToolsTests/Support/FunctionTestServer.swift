import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A loopback HTTP server for the function, OpenAPI and image tool tests: records every request and answers each
/// with what the test's handler returns.
final class FunctionTestServer: Sendable {
    /// A request as the server received it.
    struct Request: Sendable {
        var method: String
        var uri: String
        var headers: HTTPHeaders
        var body: String

        var path: String { String(uri.split(separator: "?", maxSplits: 1).first ?? "") }
        var query: String? { uri.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) }
    }

    /// The answer to one request.
    struct Reply: Sendable {
        var status: Int = 200
        var contentType: String = "application/json"
        var body: [UInt8] = []
        var delay: Duration = .zero

        static func json(_ text: String, status: Int = 200) -> Reply {
            Reply(status: status, body: Array(text.utf8))
        }

        static func text(_ text: String, status: Int = 200) -> Reply {
            Reply(status: status, contentType: "text/plain", body: Array(text.utf8))
        }
    }

    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    private final class Recorder: Sendable {
        let requests = Mutex<[Request]>([])
    }

    let port: Int
    private let recorder = Recorder()
    private let channel: any Channel
    private let serving: Task<Void, Never>

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var requests: [Request] { recorder.requests.withLock { $0 } }

    static func start(_ handler: @escaping @Sendable (Request) -> Reply) async throws -> FunctionTestServer {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        return FunctionTestServer(server, handler: handler)
    }

    private init(_ server: NIOAsyncChannel<Connection, Never>, handler: @escaping @Sendable (Request) -> Reply) {
        port = server.channel.localAddress?.port ?? 0
        channel = server.channel
        serving = Task { [recorder] in
            await withDiscardingTaskGroup { group in
                try? await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { try? await Self.serve(connection, handler: handler, recorder: recorder) }
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
        _ connection: Connection, handler: @Sendable (Request) -> Reply, recorder: Recorder
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
                    let request = Request(
                        method: head.method.rawValue, uri: head.uri, headers: head.headers, body: body)
                    recorder.requests.withLock { $0.append(request) }
                    let reply = handler(request)
                    if reply.delay > .zero { try await Task.sleep(for: reply.delay) }
                    let headers = HTTPHeaders([
                        ("Content-Type", reply.contentType), ("Content-Length", "\(reply.body.count)"),
                    ])
                    let status = HTTPResponseStatus(statusCode: reply.status)
                    try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)))
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: reply.body))))
                    try await outbound.write(.end(nil))
                }
            }
        }
    }
}
