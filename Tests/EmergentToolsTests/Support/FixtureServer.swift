import Foundation
import NIOCore
import NIOHTTP1

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

    typealias Request = LoopbackRequest

    private let server: LoopbackServer

    var port: Int { server.port }
    var baseURL: String { server.baseURL }
    var requests: [Request] { server.requests }

    static func start(_ route: @escaping @Sendable (Request) -> Reply) async throws -> FixtureServer {
        FixtureServer(server: try await LoopbackServer.start { request, outbound in
            try await respond(route(request), outbound: outbound)
        })
    }

    private init(server: LoopbackServer) { self.server = server }

    func stop() async { await server.stop() }

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

    private static func respond(
        _ reply: Reply, outbound: LoopbackServer.Outbound
    ) async throws {
        switch reply {
        case .body(let text, let type):
            try await respond(.bytes(Array(text.utf8), contentType: type), outbound: outbound)
        case .bytes(let bytes, let type):
            try await LoopbackServer.write(status: 200, headers: [("Content-Type", type)], body: bytes, to: outbound)
        case .redirect(let location, let status):
            try await LoopbackServer.write(status: status, headers: [("Location", location)], to: outbound)
        case .status(let status):
            try await LoopbackServer.write(status: status, to: outbound)
        case .large(let count, let type, let filler):
            // Streamed in 64 KiB pieces rather than built whole.
            let response = HTTPResponseHead(
                version: .http1_1, status: .ok,
                headers: HTTPHeaders([("Content-Type", type), ("Content-Length", "\(count)")]))
            try await outbound.write(.head(response))
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
