import EmergentAgents
import EmergentCore
import EmergentServer
import EmergentStore
import Foundation
import Hummingbird

/// `/v1/agents…`: create, read, edit, delete, publish, versions, keys, export, conversations (admin key).
struct AgentRoutes {
    let platform: AgentPlatform
    let server: EmergentServer

    private var store: any PlatformStore { platform.store }
    private var auth: PlatformAuth { platform.auth }

    func register(on router: Router<EmergentRequestContext>) {
        router.get("/v1/agents") { request, _ in
            await admin("/v1/agents", request) { _ in
                var items: [JSONValue] = []
                for agent in try await store.agents() {
                    items.append(PlatformJSON.agent(agent, conversationCount: try await store.conversationCount(agentID: agent.id)))
                }
                return Reply.json(PlatformJSON.list(items))
            }
        }
        router.post("/v1/agents") { request, _ in
            await admin("/v1/agents", request, readsBody: false) { _ in
                let definition = try await definition(from: request)
                let agent = try await store.createAgent(definition)
                return Reply.json(PlatformJSON.agent(agent, conversationCount: 0), status: .created)
            }
        }
        router.get("/v1/agents/{id}") { request, context in
            await admin("/v1/agents/{id}", request) { _ in
                let agent = try await agent(context)
                return Reply.json(PlatformJSON.agent(agent, conversationCount: try await store.conversationCount(agentID: agent.id)))
            }
        }
        router.patch("/v1/agents/{id}") { request, context in
            await admin("/v1/agents/{id}", request) { body in
                let agent = try await agent(context)
                guard case .object(let changes)? = body else {
                    throw PlatformError.invalid(nil, "PATCH takes a JSON object of the definition fields to change.")
                }
                var merged = try JSONValue(encoding: agent.definition).objectValue ?? JSONObject()
                for (key, value) in changes {
                    if value == .null { merged[key] = nil } else { merged[key] = value }
                }
                let definition = try AgentDefinition.parse(JSONValue.object(merged).compactJSON, source: "request body")
                let updated = try await store.updateAgent(agent.id, definition: definition)
                await platform.runtimes.invalidate(agentID: agent.id)
                return Reply.json(PlatformJSON.agent(updated, conversationCount: try await store.conversationCount(agentID: agent.id)))
            }
        }
        router.delete("/v1/agents/{id}") { request, context in
            await admin("/v1/agents/{id}", request, readsBody: false) { _ in
                let agent = try await agent(context)
                let force = request.uri.queryParameters.get("force") == "true"
                let count = try await store.conversationCount(agentID: agent.id)
                if count > 0, !force {
                    throw PlatformError.conflict(
                        "The agent '\(agent.id)' has \(count) conversation\(count == 1 ? "" : "s"). Delete with "
                            + "?force=true to delete them (and their runs) too, or keep the agent.",
                        code: "agent_has_conversations")
                }
                if let busy = await platform.coordinator.busyConversation(agentID: agent.id) {
                    throw PlatformError.conflict(
                        "The agent '\(agent.id)' has a run in progress (conversation \(busy)); cancel it or wait.",
                        code: "agent_busy")
                }
                for conversation in try await store.conversations(agentID: agent.id, limit: Int.max) {
                    await platform.coordinator.forget(conversationID: conversation.id, agentID: agent.id)
                }
                try await store.deleteAgent(agent.id, force: force)
                await platform.runtimes.invalidate(agentID: agent.id)
                return Reply.json(["id": .string(agent.id), "object": "agent.deleted", "deleted": true])
            }
        }
        router.post("/v1/agents/{id}/publish") { request, context in
            await admin("/v1/agents/{id}/publish", request) { body in
                let agent = try await agent(context)
                let version = try await store.publish(agent.id, note: body?["note"]?.stringValue)
                return Reply.json(PlatformJSON.version(version), status: .created)
            }
        }
        router.get("/v1/agents/{id}/versions") { request, context in
            await admin("/v1/agents/{id}/versions", request, readsBody: false) { _ in
                let agent = try await agent(context)
                return Reply.json(PlatformJSON.list(try await store.versions(of: agent.id).map(PlatformJSON.version)))
            }
        }
        router.post("/v1/agents/{id}/keys") { request, context in
            await admin("/v1/agents/{id}/keys", request) { body in
                let agent = try await agent(context)
                let created = try await store.createKey(scope: .agent(agent.id), name: body?["name"]?.stringValue)
                return Reply.json(PlatformJSON.key(created.record, secret: created.secret), status: .created)
            }
        }
        router.get("/v1/agents/{id}/keys") { request, context in
            await admin("/v1/agents/{id}/keys", request, readsBody: false) { _ in
                let agent = try await agent(context)
                return Reply.json(PlatformJSON.list(try await store.keys(scope: .agent(agent.id)).map { PlatformJSON.key($0) }))
            }
        }
        router.delete("/v1/agents/{id}/keys/{key}") { request, context in
            await admin("/v1/agents/{id}/keys/{key}", request, readsBody: false) { _ in
                let agent = try await agent(context)
                let keyID = context.parameters.get("key") ?? ""
                guard try await store.keys(scope: .agent(agent.id)).contains(where: { $0.id == keyID }) else {
                    throw PlatformError.notFound("key of this agent", keyID)
                }
                try await store.deleteKey(keyID)
                return Reply.json(["id": .string(keyID), "object": "api_key.deleted", "deleted": true])
            }
        }
        router.get("/v1/agents/{id}/export") { request, context in
            await admin("/v1/agents/{id}/export", request, readsBody: false) { _ in
                let agent = try await agent(context)
                return Reply.text(agent.definition.yamlText(), contentType: "text/yaml; charset=utf-8")
            }
        }
        router.get("/v1/agents/{id}/conversations") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await server.handle("/v1/agents/{id}/conversations", request, readsBody: false, authenticated: false) { _, _ in
                try await PlatformCalls.guarded {
                    _ = try await auth.agent(id, request.headers[.authorization])
                    guard try await store.agent(id) != nil else { throw PlatformError.notFound("agent", id) }
                    let limit = request.uri.queryParameters.get("limit").flatMap { Int($0) } ?? 100
                    let items = try await store.conversations(agentID: id, limit: max(1, min(limit, 1000)))
                    return Reply.json(PlatformJSON.list(items.map(PlatformJSON.conversation)))
                }
            }
        }
    }

    /// A route that needs the admin key.
    private func admin(
        _ route: String, _ request: Request, readsBody: Bool = true,
        _ body: @escaping @Sendable (JSONValue?) async throws -> Response
    ) async -> Response {
        await server.handle(route, request, readsBody: readsBody, authenticated: false) { json, _ in
            try await PlatformCalls.guarded {
                try await auth.admin(request.headers[.authorization])
                return try await body(json)
            }
        }
    }

    private func agent(_ context: EmergentRequestContext) async throws -> StoredAgent {
        let id = context.parameters.get("id") ?? ""
        guard let agent = try await store.agent(id) else { throw PlatformError.notFound("agent", id) }
        return agent
    }

    /// A definition from a JSON body, or YAML with `Content-Type: application/yaml` (or `text/yaml`).
    private func definition(from request: Request) async throws -> AgentDefinition {
        let bytes = try await PlatformCalls.bytes(
            of: request, limit: 1 << 20,
            tooLarge: PlatformError.invalid(nil, "An agent definition may be at most 1 MiB.", code: "request_too_large"))
        guard !bytes.isEmpty else {
            throw PlatformError.invalid(nil, "The request needs the agent definition (JSON, or YAML with Content-Type: application/yaml).", code: "missing_body")
        }
        return try AgentDefinition.parse(String(decoding: bytes, as: UTF8.self), source: "request body")
    }
}
