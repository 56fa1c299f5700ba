import EmergentCore
import EmergentEngine
import EmergentRemote
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import UnixSignals

/// How the HTTP server listens and what it lets in.
public struct ServerOptions: Sendable {
    public var host: String
    public var port: Int
    /// When set, every route except `/health`, `/metrics` and `/openapi.json` needs `Authorization: Bearer <key>`.
    public var apiKey: String?
    /// Largest request body accepted; bigger ones get 413.
    public var bodyLimit: Int
    /// On SIGTERM, how long running generations may finish before they are cancelled.
    public var shutdownGrace: Duration

    public init(
        host: String = "127.0.0.1", port: Int = 8080, apiKey: String? = nil, bodyLimit: Int = 32 << 20,
        shutdownGrace: Duration = .seconds(10)
    ) {
        self.host = host
        self.port = port
        self.apiKey = apiKey
        self.bodyLimit = bodyLimit
        self.shutdownGrace = shutdownGrace
    }
}

/// The OpenAI-compatible HTTP server: routes, authentication, limits, metrics and graceful shutdown.
public struct EmergentServer: Sendable {
    public let catalog: ModelCatalog
    public let options: ServerOptions
    public let metrics = ServerMetrics()
    /// Route providers beyond the model API (the agent platform).
    public let extensions: [any ServerExtension]
    public static let version = "0.5.0"

    public init(catalog: ModelCatalog, options: ServerOptions, extensions: [any ServerExtension] = []) {
        self.catalog = catalog
        self.options = options
        self.extensions = extensions
    }

    /// The router with every documented route.
    public func makeRouter() -> Router<EmergentRequestContext> {
        let router = Router(context: EmergentRequestContext.self)
        let chat = ChatCompletionsEndpoint(catalog: catalog, metrics: metrics)
        let completions = CompletionsEndpoint(catalog: catalog, metrics: metrics)
        let utility = UtilityEndpoints(catalog: catalog)
        router.post("/v1/chat/completions") { request, context in
            let connection = context.channel
            let authorization = request.headers[.authorization]
            return await handle(
                "/v1/chat/completions", request,
                authenticates: { body in
                    // A model an extension owns (`agent:<id>`) is authenticated by the extension.
                    guard let model = body?["model"]?.stringValue else { return false }
                    return extensions.contains { $0.ownsChatModel(model) }
                }
            ) { body, started in
                let body = try Self.require(body)
                if let model = body["model"]?.stringValue, let owner = extensions.first(where: { $0.ownsChatModel(model) }) {
                    return try await owner.chatCompletion(
                        body, authorization: authorization, connection: connection, started: started)
                }
                return try await chat.respond(to: body, started: started)
            }
        }
        router.post("/v1/completions") { request, _ in
            await handle("/v1/completions", request) { body, started in
                let body = try Self.require(body)
                if let forwarded = try await forwardIfRemote(body, path: "/completions") { return forwarded }
                return try await completions.respond(to: body, started: started)
            }
        }
        router.get("/v1/models") { request, _ in
            await handle("/v1/models", request, readsBody: false) { _, _ in utility.models() }
        }
        router.get("/v1/models/{model}") { request, context in
            let name = context.parameters.get("model") ?? ""
            return await handle("/v1/models/{model}", request, readsBody: false) { _, _ in try utility.model(name) }
        }
        router.post("/v1/embeddings") { request, _ in
            await handle("/v1/embeddings", request) { body, _ in
                let body = try Self.require(body)
                if let forwarded = try await forwardIfRemote(body, path: "/embeddings") { return forwarded }
                return try await utility.embeddings(body)
            }
        }
        router.get("/tokenizer_info") { request, _ in
            await handle("/tokenizer_info", request, readsBody: false) { _, _ in
                try utility.tokenizerInfo(model: request.uri.queryParameters.get("model"))
            }
        }
        router.post("/tokenize") { request, _ in
            await handle("/tokenize", request) { body, _ in try utility.tokenize(try Self.require(body)) }
        }
        router.post("/detokenize") { request, _ in
            await handle("/detokenize", request) { body, _ in try utility.detokenize(try Self.require(body)) }
        }
        router.get("/health") { request, _ in
            await handle("/health", request, readsBody: false, authenticated: false) { _, _ in
                Reply.json(["status": "ok", "models": .array(catalog.names.map(JSONValue.string))])
            }
        }
        router.get("/metrics") { request, _ in
            await handle("/metrics", request, readsBody: false, authenticated: false) { _, _ in
                var engines: [(model: String, slots: Int, busy: Int, queued: Int)] = []
                for case .local(let service) in catalog.models {
                    let status = await service.engine.status
                    engines.append((service.name, status.slots, status.busySlots, status.queued))
                }
                return Reply.text(
                    await metrics.render(engines: engines), contentType: "text/plain; version=0.0.4; charset=utf-8")
            }
        }
        router.get("/openapi.json") { request, _ in
            await handle("/openapi.json", request, readsBody: false, authenticated: false) { _, _ in
                Reply.json(OpenAPIDocument.document(version: Self.version, adding: extensions.flatMap(\.operations)))
            }
        }
        for item in extensions { item.register(on: router, server: self) }
        return router
    }

    /// "METHOD /path" for every route the router answers (path parameters as `:name`).
    public var routeSignatures: [String] {
        makeRouter().routes.map { "\($0.method.rawValue) \($0.path.description)" }
    }

    /// For a remote model, passes the request to its upstream pool and hands back the upstream's answer as it is.
    private func forwardIfRemote(_ body: JSONValue, path: String) async throws -> Response? {
        guard case .remote(_, let pool) = try catalog.resolve(body["model"]?.stringValue) else { return nil }
        let streaming = body["stream"] == .bool(true)
        let upstream = try await pool.forward(path: path, body: ByteBuffer(string: body.compactJSON), stream: streaming)
        var headers: HTTPFields = [:]
        headers[.contentType] = upstream.headers.first(name: "content-type") ?? "application/json"
        return Response(
            status: HTTPResponse.Status(code: Int(upstream.status.code)), headers: headers,
            body: ResponseBody(asyncSequence: upstream.body))
    }

    private static func require(_ body: JSONValue?) throws(APIError) -> JSONValue {
        guard let body else { throw .invalid(nil, "The request needs a JSON body.", code: "missing_body") }
        return body
    }

    /// Runs one route: authentication, body limit and JSON parsing, then the handler; every failure becomes an
    /// OpenAI-shaped error, and every answer is counted. With `authenticated: false` the handler checks access itself.
    public func handle(
        _ route: String, _ request: Request, readsBody: Bool = true, authenticated: Bool = true,
        _ body: @Sendable (JSONValue?, ContinuousClock.Instant) async throws -> Response
    ) async -> Response {
        await handle(route, request, readsBody: readsBody, authenticates: { _ in !authenticated }, body)
    }

    /// ``handle(_:_:readsBody:authenticated:_:)`` where `authenticates(body)` says whether the handler checks
    /// access itself for this body (the API key is checked otherwise).
    private func handle(
        _ route: String, _ request: Request, readsBody: Bool = true,
        authenticates: @Sendable (JSONValue?) -> Bool,
        _ body: @Sendable (JSONValue?, ContinuousClock.Instant) async throws -> Response
    ) async -> Response {
        let started = ContinuousClock.now
        await metrics.began()
        var response: Response
        do {
            var json: JSONValue?
            if readsBody {
                let buffer: ByteBuffer
                do {
                    buffer = try await request.body.collect(upTo: options.bodyLimit)
                } catch is NIOTooManyBytesError {
                    throw APIError(
                        status: .contentTooLarge,
                        message: "The request body is larger than the server's limit of \(options.bodyLimit >> 20) MiB. "
                            + "Send less, or start the server with a larger --body-limit.",
                        type: "invalid_request_error", code: "request_too_large")
                }
                if buffer.readableBytes > 0 { json = try JSONParser.parse(Array(buffer.readableBytesView)) }
            }
            if !authenticates(json), let key = options.apiKey {
                let given = request.headers[.authorization] ?? ""
                guard given == "Bearer \(key)" else { throw APIError.unauthorized }
            }
            response = try await body(json, started)
        } catch {
            response = Reply.error(APIError.from(error))
        }
        await metrics.recordRequest(route: route, status: Int(response.status.code))
        // Streams stay active until their body is written.
        let metrics = metrics
        let original = response.body
        response.body = ResponseBody { writer in
            do {
                try await original.write(writer)
            } catch {
                await metrics.ended()
                throw error
            }
            await metrics.ended()
        }
        return response
    }

    /// Serves until SIGTERM or SIGINT, then stops taking work, lets running generations finish for
    /// `options.shutdownGrace`, cancels the rest, and returns.
    /// - Parameter onListening: called with the bound port once the server accepts connections.
    public func run(logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "Emergent"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        let drain = DrainService(
            catalog: catalog, extensions: extensions, grace: options.shutdownGrace, logger: logger)
        // Services shut down in reverse order: the drain first (stop taking work, finish or cancel streams), then the
        // HTTP server, which then has no long requests left to wait for.
        let group = ServiceGroup(
            configuration: .init(
                services: [app, drain], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// On graceful shutdown: refuses new generations, waits up to `grace` for running ones, then cancels them.
struct DrainService: Service {
    let catalog: ModelCatalog
    let extensions: [any ServerExtension]
    let grace: Duration
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        let engines = catalog.models.compactMap { model -> BatchEngine? in
            if case .local(let service) = model { return service.engine }
            return nil
        }
        logger.info("Shutting down: finishing running generations (up to \(grace))")
        // Agent runs (extensions) and bare generations wind down side by side, within the same grace.
        await withTaskGroup(of: Void.self) { group in
            for item in extensions { group.addTask { await item.shutdown(grace: grace) } }
            group.addTask { await Self.drain(engines, grace: grace, logger: logger) }
        }
        // Give the streams a step to write their last chunk.
        try? await Task.sleep(for: .milliseconds(200))
    }

    private static func drain(_ engines: [BatchEngine], grace: Duration, logger: Logger) async {
        for engine in engines { await engine.shutdown(cancelRunning: false) }
        let deadline = ContinuousClock.now + grace
        while ContinuousClock.now < deadline {
            var idle = true
            for engine in engines where !(await engine.isIdle) { idle = false }
            if idle { return }
            try? await Task.sleep(for: .milliseconds(50), tolerance: .milliseconds(10))
        }
        logger.info("Grace period over: cancelling the generations still running")
        for engine in engines { await engine.shutdown(cancelRunning: true) }
    }
}
