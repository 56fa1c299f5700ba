import EmergentAgents
import EmergentCore
import EmergentServer
import EmergentStore
import Foundation
import Hummingbird
import Logging
import NIOCore

/// How the platform behaves: who is admin, what happens to runs whose client leaves, upload limits.
public struct PlatformOptions: Sendable {
    /// Accepted as the admin key in addition to stored admin keys (`--admin-key`, `EMERGENT_ADMIN_KEY`).
    public var adminKey: String?
    public var disconnectPolicy: DisconnectPolicy
    /// Largest uploaded file, in bytes.
    public var fileLimit: Int
    /// How often a quiet event stream gets a `: heartbeat` comment.
    public var heartbeat: Duration
    /// Whether the first start creates the All Tools agent.
    public var createsDefaultAgent: Bool

    public init(
        adminKey: String? = nil, disconnectPolicy: DisconnectPolicy = .continue, fileLimit: Int = 32 << 20,
        heartbeat: Duration = .seconds(10), createsDefaultAgent: Bool = true
    ) {
        self.adminKey = adminKey
        self.disconnectPolicy = disconnectPolicy
        self.fileLimit = fileLimit
        self.heartbeat = heartbeat
        self.createsDefaultAgent = createsDefaultAgent
    }
}

/// What opening the platform did, for the start-up message.
public struct PlatformStartup: Sendable {
    /// Runs left `running` by a previous process, now `interrupted`.
    public var interruptedRuns: Int
    /// A new admin key, when there was none: shown once, never stored in clear.
    public var generatedAdminKey: String?
    /// The default agent, when this start created it.
    public var defaultAgentID: String?
}

/// The agent platform: agents with versions and keys, runs streamed or blocking, conversations, files, the OpenAI
/// alias `agent:<id>`, and the web UI — added to ``EmergentServer`` as an extension.
public struct AgentPlatform: ServerExtension {
    public let store: any PlatformStore
    public let coordinator: RunCoordinator
    let runtimes: AgentRuntimes
    let auth: PlatformAuth
    let models: any ModelResolver
    let options: PlatformOptions
    let logger: Logger

    /// Opens the platform on `store`: marks runs a crash left behind as interrupted, makes an admin key if none
    /// exists (and none is configured), and creates the default agent on first start.
    public static func open(
        store: any PlatformStore, models: any ModelResolver, paths: EmergentPaths, options: PlatformOptions,
        logger: Logger
    ) async throws -> (AgentPlatform, PlatformStartup) {
        let interrupted = try await store.markInterruptedRuns()
        var generated: String?
        if options.adminKey == nil, try await store.keys(scope: .admin).isEmpty {
            generated = try await store.createKey(scope: .admin, name: "generated on first start").secret
        }
        var defaultAgent: String?
        let marker = paths.home.appendingPathComponent(".default-agent-created")
        if options.createsDefaultAgent, !FileManager.default.fileExists(atPath: marker.path) {
            if try await store.agents().isEmpty {
                defaultAgent = try await store.createAgent(.allTools).id
            }
            try? FileManager.default.createDirectory(at: paths.home, withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: marker.path, contents: Data("created\n".utf8))
        }
        let runtimes = AgentRuntimes(store: store, models: models, paths: paths, logger: logger)
        let coordinator = RunCoordinator(store: store, runtimes: runtimes, paths: paths, logger: logger)
        let platform = AgentPlatform(
            store: store, coordinator: coordinator, runtimes: runtimes,
            auth: PlatformAuth(store: store, adminKey: options.adminKey), models: models, options: options,
            logger: logger)
        return (platform, PlatformStartup(
            interruptedRuns: interrupted, generatedAdminKey: generated, defaultAgentID: defaultAgent))
    }

    public func register(on router: Router<EmergentRequestContext>, server: EmergentServer) {
        AgentRoutes(platform: self, server: server).register(on: router)
        RunRoutes(platform: self, server: server).register(on: router)
        FileRoutes(platform: self, server: server).register(on: router)
        WebRoutes().register(on: router)
    }

    public var operations: [OpenAPIDocument.Operation] { PlatformOperations.all }

    public func ownsChatModel(_ model: String) -> Bool { model.hasPrefix(AgentChatAlias.prefix) }

    public func chatCompletion(
        _ body: JSONValue, authorization: String?, connection: any Channel, started: ContinuousClock.Instant
    ) async throws -> Response {
        try await PlatformCalls.guarded {
            try await AgentChatAlias(platform: self).respond(body, authorization: authorization, connection: connection)
        }
    }

    public func shutdown(grace: Duration) async {
        await coordinator.shutdown(grace: grace)
    }
}

/// Helpers every platform route shares.
enum PlatformCalls {
    /// Runs a handler, turning store errors into API errors with the right status.
    static func guarded<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            throw PlatformError.from(error)
        } catch let error as AgentDefinitionError {
            throw PlatformError.invalid("definition", error.description, code: "invalid_definition")
        }
    }

    /// The raw request body, up to `limit` bytes (413 beyond).
    static func bytes(of request: Request, limit: Int, tooLarge: APIError) async throws -> [UInt8] {
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw tooLarge
        }
    }

    /// A required string field.
    static func string(_ body: JSONValue?, _ key: String) throws -> String {
        guard let value = body?[key]?.stringValue else {
            throw PlatformError.invalid(key, "The request needs '\(key)' as a string.", code: "missing_field")
        }
        return value
    }

    /// An event stream of `events`, with heartbeat comments while quiet. When the client goes away (its connection
    /// closes, or a write fails), `onDisconnect` runs; the run itself goes on unless that stops it.
    static func eventStream(
        _ source: @escaping @Sendable () async -> AsyncStream<RunEvent>, connection: (any Channel)?, heartbeat: Duration,
        transform: @escaping @Sendable (RunEvent) -> [ByteBuffer], onDisconnect: @escaping @Sendable () async -> Void
    ) -> Response {
        Response(
            status: .ok, headers: Reply.eventStreamHeaders,
            body: ResponseBody { writer in
                let (merged, continuation) = AsyncStream.makeStream(of: Outgoing.self)
                let relay = Task {
                    for await event in await source() {
                        for buffer in transform(event) { continuation.yield(.data(buffer)) }
                    }
                    continuation.finish()
                }
                let beat = Task {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: heartbeat)
                        if Task.isCancelled { break }
                        continuation.yield(.heartbeat)
                    }
                }
                connection?.closeFuture.whenComplete { _ in
                    continuation.yield(.closed)
                }
                defer {
                    relay.cancel()
                    beat.cancel()
                }
                do {
                    for await item in merged {
                        switch item {
                        case .data(let buffer): try await writer.write(buffer)
                        case .heartbeat: try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                        case .closed: throw ClientGone()
                        }
                    }
                    if Task.isCancelled { throw ClientGone() }
                    try await writer.finish(nil)
                } catch {
                    await onDisconnect()
                    throw error
                }
            })
    }

    private enum Outgoing: Sendable {
        case data(ByteBuffer)
        case heartbeat
        /// The client's connection closed.
        case closed
    }

    /// The client closed the connection under a stream.
    struct ClientGone: Error {}
}
