import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A request as a loopback test server received it.
struct LoopbackRequest: Sendable {
    var method: String
    var uri: String
    var headers: HTTPHeaders
    var body: String

    /// The path as sent (percent-encoding kept).
    var path: String { String(uri.split(separator: "?", maxSplits: 1).first ?? "") }
    /// The raw query string, if any.
    var queryString: String? { uri.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) }

    /// The decoded value of a query parameter.
    func query(_ name: String) -> String? {
        URLComponents(string: uri)?.queryItems?.first { $0.name == name }?.value
    }

    func header(_ name: String) -> String? { headers.first(name: name) }
}

/// A real HTTP/1.1 server on a free loopback port: records every request and lets the test write each response.
/// The browser's fixture server and the function tools' server are thin layers over it.
final class LoopbackServer: Sendable {
    typealias Outbound = NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    private final class Recorder: Sendable {
        let requests = Mutex<[LoopbackRequest]>([])
    }

    let port: Int
    private let recorder = Recorder()
    private let channel: any Channel
    private let serving: Task<Void, Never>

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var requests: [LoopbackRequest] { recorder.requests.withLock { $0 } }

    /// Starts a server that answers each request by writing to its connection with `respond`.
    static func start(
        _ respond: @escaping @Sendable (LoopbackRequest, Outbound) async throws -> Void
    ) async throws -> LoopbackServer {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        return LoopbackServer(server, respond: respond)
    }

    private init(
        _ server: NIOAsyncChannel<Connection, Never>,
        respond: @escaping @Sendable (LoopbackRequest, Outbound) async throws -> Void
    ) {
        port = server.channel.localAddress?.port ?? 0
        channel = server.channel
        serving = Task { [recorder] in
            await withDiscardingTaskGroup { group in
                try? await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { try? await Self.serve(connection, recorder: recorder, respond: respond) }
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

    /// Writes a whole response: status, headers (Content-Length added) and body.
    static func write(
        status: Int, headers: [(String, String)] = [], body: [UInt8] = [], to outbound: Outbound
    ) async throws {
        let head = HTTPResponseHead(
            version: .http1_1, status: HTTPResponseStatus(statusCode: status),
            headers: HTTPHeaders(headers + [("Content-Length", "\(body.count)")]))
        try await outbound.write(.head(head))
        if !body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
        try await outbound.write(.end(nil))
    }

    private static func serve(
        _ connection: Connection, recorder: Recorder,
        respond: @Sendable (LoopbackRequest, Outbound) async throws -> Void
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
                    let request = LoopbackRequest(
                        method: head.method.rawValue, uri: head.uri, headers: head.headers, body: body)
                    recorder.requests.withLock { $0.append(request) }
                    try await respond(request, outbound)
                }
            }
        }
    }
}
