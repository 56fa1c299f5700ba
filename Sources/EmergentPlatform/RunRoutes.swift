import EmergentAgents
import EmergentCore
import EmergentServer
import EmergentStore
import Foundation
import Hummingbird
import NIOCore

/// Runs (`POST /v1/agents/{id}/runs`, streamed or blocking; read back, follow, cancel) and conversations.
struct RunRoutes {
    let platform: AgentPlatform
    let server: EmergentServer

    private var store: any PlatformStore { platform.store }
    private var auth: PlatformAuth { platform.auth }
    private var coordinator: RunCoordinator { platform.coordinator }

    func register(on router: Router<EmergentRequestContext>) {
        router.post("/v1/agents/{id}/runs") { request, context in
            let agentID = context.parameters.get("id") ?? ""
            return await server.handle("/v1/agents/{id}/runs", request, authenticated: false) { body, _ in
                try await PlatformCalls.guarded {
                    let access = try await auth.agent(agentID, request.headers[.authorization])
                    let runRequest = try Self.runRequest(agentID: agentID, body: body, access: access)
                    let live = try await coordinator.start(runRequest)
                    guard body?["stream"] == .bool(true) else {
                        return Reply.json(await live.result()?.data ?? .null)
                    }
                    return stream(live, connection: context.channel)
                }
            }
        }
        router.get("/v1/runs/{id}") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await server.handle("/v1/runs/{id}", request, readsBody: false, authenticated: false) { _, _ in
                try await PlatformCalls.guarded {
                    let run = try await run(id, request)
                    return Reply.json(PlatformJSON.run(run, steps: try await store.steps(of: run.id)))
                }
            }
        }
        router.get("/v1/runs/{id}/events") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await server.handle("/v1/runs/{id}/events", request, readsBody: false, authenticated: false) { _, _ in
                try await PlatformCalls.guarded {
                    let run = try await run(id, request)
                    if let live = await coordinator.liveRun(run.id) {
                        return stream(live, connection: context.channel, stopsRun: false)
                    }
                    // Ended: its saved steps, then its result.
                    var events: [RunEvent] = []
                    for step in try await store.steps(of: run.id) {
                        events.append(RunEvent(name: "step.completed", data: ["step": try JSONValue(encoding: step)]))
                    }
                    events.append(RunEvent(
                        name: run.status == .completed ? "run.completed" : "run.failed", data: PlatformJSON.runResult(run)))
                    let replay = AsyncStream<RunEvent> { continuation in
                        for event in events { continuation.yield(event) }
                        continuation.finish()
                    }
                    return PlatformCalls.eventStream(
                        { replay }, connection: context.channel, heartbeat: platform.options.heartbeat,
                        transform: { [Reply.event($0.name, $0.data)] }, onDisconnect: {})
                }
            }
        }
        router.post("/v1/runs/{id}/cancel") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await server.handle("/v1/runs/{id}/cancel", request, readsBody: false, authenticated: false) { _, _ in
                try await PlatformCalls.guarded {
                    let run = try await run(id, request)
                    let stopping = await coordinator.cancel(run.id)
                    return Reply.json([
                        "id": .string(run.id), "object": "run",
                        "status": .string(stopping ? "cancelling" : run.status.rawValue),
                    ])
                }
            }
        }
        router.get("/v1/conversations/{id}") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await server.handle("/v1/conversations/{id}", request, readsBody: false, authenticated: false) { _, _ in
                try await PlatformCalls.guarded {
                    let conversation = try await conversation(id, request)
                    guard case .object(var object) = PlatformJSON.conversation(conversation) else { return Reply.json(.null) }
                    object["messages"] = .array(try await store.messages(in: id).map(PlatformJSON.message))
                    object["runs"] = .array(try await store.runs(in: id).map { run in
                        ["id": .string(run.id), "status": .string(run.status.rawValue), "created_at": PlatformJSON.time(run.createdAt)]
                    })
                    return Reply.json(.object(object))
                }
            }
        }
        router.delete("/v1/conversations/{id}") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await server.handle("/v1/conversations/{id}", request, readsBody: false, authenticated: false) { _, _ in
                try await PlatformCalls.guarded {
                    let conversation = try await conversation(id, request)
                    if await coordinator.isBusy(conversationID: id) {
                        throw PlatformError.conflict(
                            "The conversation '\(id)' has a run in progress; cancel it first.", code: "conversation_busy")
                    }
                    try await store.deleteConversation(id)
                    await coordinator.forget(conversationID: id, agentID: conversation.agentID)
                    return Reply.json(["id": .string(id), "object": "conversation.deleted", "deleted": true])
                }
            }
        }
    }

    /// The run's events as SSE; when the client leaves, the disconnect policy decides whether the run goes on.
    private func stream(_ live: LiveRun, connection: any Channel, stopsRun: Bool = true) -> Response {
        let (coordinator, policy) = (coordinator, platform.options.disconnectPolicy)
        return PlatformCalls.eventStream(
            { await live.events() }, connection: connection, heartbeat: platform.options.heartbeat,
            transform: { [Reply.event($0.name, $0.data)] },
            onDisconnect: { if stopsRun, policy == .cancel { await coordinator.cancel(live.id) } })
    }

    private func run(_ id: String, _ request: Request) async throws -> StoredRun {
        let access = try await auth.access(request.headers[.authorization])
        guard let run = try await store.run(id) else { throw PlatformError.notFound("run", id) }
        guard access.allows(agent: run.agentID) else {
            throw PlatformError.forbidden("This run belongs to another agent than the key's.")
        }
        return run
    }

    private func conversation(_ id: String, _ request: Request) async throws -> StoredConversation {
        let access = try await auth.access(request.headers[.authorization])
        guard let conversation = try await store.conversation(id) else { throw PlatformError.notFound("conversation", id) }
        guard access.allows(agent: conversation.agentID) else {
            throw PlatformError.forbidden("This conversation belongs to another agent than the key's.")
        }
        return conversation
    }

    /// Reads `input`, `conversation_id`, `files`, `version` from a run request.
    static func runRequest(agentID: String, body: JSONValue?, access: Access) throws -> RunRequest {
        guard case .object? = body else {
            throw PlatformError.invalid(nil, "The request needs a JSON body with 'input'.", code: "missing_body")
        }
        let input = try PlatformCalls.string(body, "input")
        var files: [String] = []
        if let list = body?["files"], list != .null {
            guard let items = list.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
                throw PlatformError.invalid("files", "'files' is a list of file ids from POST /v1/files.")
            }
            files = items.compactMap(\.stringValue)
        }
        var version = VersionChoice.latest
        switch body?["version"] {
        case nil, .null?: break
        case .string("draft")?:
            guard access == .admin else {
                throw PlatformError.forbidden("Only the admin key may run an agent's unpublished draft.")
            }
            version = .draft
        case .string("latest")?: break
        case let value?:
            guard let number = value.intValue, number > 0 else {
                throw PlatformError.invalid("version", "'version' is a published version number, \"latest\" or \"draft\".")
            }
            version = .number(number)
        }
        if let stream = body?["stream"], stream != .null, stream != .bool(true), stream != .bool(false) {
            throw PlatformError.invalid("stream", "'stream' is true or false.")
        }
        let conversation = body?["conversation_id"]
        if let conversation, conversation != .null, conversation.stringValue == nil {
            throw PlatformError.invalid("conversation_id", "'conversation_id' is a string.")
        }
        return RunRequest(
            agentID: agentID, input: input, conversationID: conversation?.stringValue, files: files, version: version)
    }
}
