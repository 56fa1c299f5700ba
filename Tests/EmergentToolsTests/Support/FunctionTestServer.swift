/// A loopback HTTP server for the function, OpenAPI and image tool tests: records every request and answers each
/// with what the test's handler returns.
final class FunctionTestServer: Sendable {
    typealias Request = LoopbackRequest

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

    private let server: LoopbackServer

    var port: Int { server.port }
    var baseURL: String { server.baseURL }
    var requests: [Request] { server.requests }

    static func start(_ handler: @escaping @Sendable (Request) -> Reply) async throws -> FunctionTestServer {
        FunctionTestServer(
            server: try await LoopbackServer.start { request, outbound in
                let reply = handler(request)
                if reply.delay > .zero { try await Task.sleep(for: reply.delay) }
                try await LoopbackServer.write(
                    status: reply.status, headers: [("Content-Type", reply.contentType)], body: reply.body,
                    to: outbound)
            })
    }

    private init(server: LoopbackServer) { self.server = server }

    func stop() async { await server.stop() }
}
