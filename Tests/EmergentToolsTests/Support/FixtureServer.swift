import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A loopback HTTP server for the browser tests: answers each request from a routing closure (fixture files,
/// redirects, large or non-HTML bodies) and records what it received.
final class FixtureServer: Sendable {
    /// How to answer one request.
    enum Reply: Sendable {
        /// 200 with this content type and body.
        case body(String, contentType: String)
        case bytes([UInt8], contentType: String)
        /// A redirect (`status` 301/302/303/307/308) to `location`.
        case redirect(String, status: Int = 302)
        /// An empty response with this status.
        case status(Int)
        /// 200 with `count` bytes of `filler`, written in 64 KiB pieces.
        case large(count: Int, contentType: String, filler: String)
    }

    /// A request as the server received it.
    struct Request: Sendable {
        var uri: String
        var headers: [(String, String)]

        /// The value of a query parameter.
        func query(_ name: String) -> String? {
            URLComponents(string: uri)?.queryItems?.first { $0.name == name }?.value
        }

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        var path: String { URLComponents(string: uri)?.path ?? uri }
    }

    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    private final class Recorder: Sendable {
        let requests = Mutex<[Request]>([])
    }

    let port: Int
    private let recorded = Recorder()
    private let channel: any Channel
    private let serving: Task<Void, Never>

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var requests: [Request] { recorded.requests.withLock { $0 } }

    static func start(_ route: @escaping @Sendable (Request) -> Reply) async throws -> FixtureServer {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        return FixtureServer(server, route: route)
    }

    /// Serves the files of `folder` by path, with content types from their extensions; 404 otherwise.
    static func serving(folder: URL) async throws -> FixtureServer {
        try await start { request in fileReply(folder: folder, path: request.path) }
    }

    static func fileReply(folder: URL, path: String) -> Reply {
        let relative = path.hasPrefix("/") ? String(path.dropFirst()) : path
        guard !relative.contains(".."),
            let data = try? Data(contentsOf: folder.appendingPathComponent(relative))
        else { return .status(404) }
        let type =
            switch (relative as NSString).pathExtension {
            case "html": "text/html; charset=utf-8"
            case "md": "text/markdown"
            case "json": "application/json"
            default: "text/plain"
            }
        return .bytes(Array(data), contentType: type)
    }

    private init(_ server: NIOAsyncChannel<Connection, Never>, route: @escaping @Sendable (Request) -> Reply) {
        port = server.channel.localAddress?.port ?? 0
        channel = server.channel
        serving = Task { [recorded] in
            await withDiscardingTaskGroup { group in
                try? await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { try? await Self.serve(connection, route: route, recorded: recorded) }
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
        _ connection: Connection, route: @Sendable (Request) -> Reply, recorded: Recorder
    ) async throws {
        try await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            for try await part in inbound {
                switch part {
                case .head(let value): head = value
                case .body: break
                case .end:
                    guard let head else { return }
                    let request = Request(uri: head.uri, headers: head.headers.map { ($0.name, $0.value) })
                    recorded.requests.withLock { $0.append(request) }
                    try await respond(route(request), outbound: outbound)
                }
            }
        }
    }

    private static func respond(
        _ reply: Reply, outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        func head(_ status: Int, _ headers: [(String, String)]) async throws {
            let response = HTTPResponseHead(
                version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: HTTPHeaders(headers))
            try await outbound.write(.head(response))
        }
        switch reply {
        case .body(let text, let type):
            try await respond(.bytes(Array(text.utf8), contentType: type), outbound: outbound)
        case .bytes(let bytes, let type):
            try await head(200, [("Content-Type", type), ("Content-Length", "\(bytes.count)")])
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: bytes))))
            try await outbound.write(.end(nil))
        case .redirect(let location, let status):
            try await head(status, [("Location", location), ("Content-Length", "0")])
            try await outbound.write(.end(nil))
        case .status(let status):
            try await head(status, [("Content-Length", "0")])
            try await outbound.write(.end(nil))
        case .large(let count, let type, let filler):
            try await head(200, [("Content-Type", type), ("Content-Length", "\(count)")])
            let unit = Array(filler.utf8)
            var piece: [UInt8] = []
            while piece.count < 65_536 { piece += unit }
            var left = count
            while left > 0 {
                let size = min(left, piece.count)
                try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: piece[0..<size]))))
                left -= size
            }
            try await outbound.write(.end(nil))
        }
    }
}
