import EmergentCore
import EmergentServer
import EmergentStore
import Foundation
import Hummingbird
import NIOCore

/// `model: "agent:<id>"` on `/v1/chat/completions`: the last user message runs the agent's published version, earlier
/// messages are the conversation. The answer is ordinary `content`; tool steps ride along in an `emergent` field,
/// which plain OpenAI clients ignore.
struct AgentChatAlias {
    static let prefix = "agent:"
    let platform: AgentPlatform

    func respond(_ body: JSONValue, authorization: String?, connection: any Channel) async throws -> Response {
        let model = body["model"]?.stringValue ?? ""
        let agentID = String(model.dropFirst(Self.prefix.count))
        _ = try await platform.auth.agent(agentID, authorization)
        let (input, history) = try Self.turns(body["messages"])
        var request = RunRequest(agentID: agentID, input: input, history: history)
        if let id = body["conversation_id"]?.stringValue {
            request.conversationID = id
            request.history = []
        }
        let live = try await platform.coordinator.start(request)
        let reply = ChatChunks(id: Reply.id("chatcmpl"), created: Reply.now, model: model)
        guard body["stream"] == .bool(true) else {
            guard let final = await live.result() else {
                throw APIError(status: .internalServerError, message: "The run ended without a result.", type: "server_error")
            }
            return try await completion(final, live: live, reply: reply)
        }
        let includeUsage = body["stream_options"]?["include_usage"] == .bool(true)
        let (coordinator, policy) = (platform.coordinator, platform.options.disconnectPolicy)
        return PlatformCalls.eventStream(
            { await live.events() }, connection: connection, heartbeat: platform.options.heartbeat,
            transform: { event in reply.chunks(for: event, includeUsage: includeUsage) },
            onDisconnect: { if policy == .cancel { await coordinator.cancel(live.id) } })
    }

    /// A whole `chat.completion`, with the run in the `emergent` field.
    private func completion(_ final: RunEvent, live: LiveRun, reply: ChatChunks) async throws -> Response {
        let result = final.data
        guard final.name == "run.completed" else {
            throw APIError(
                status: .internalServerError,
                message: "The agent's run failed: \(result["error"]?.stringValue ?? "unknown error") (run \(live.id); "
                    + "GET /v1/runs/\(live.id) shows every step).",
                type: "server_error", code: "agent_run_failed")
        }
        let steps = try await platform.store.steps(of: live.id).map { try JSONValue(encoding: $0) }
        let usage = result["usage"] ?? .null
        return Reply.json([
            "id": .string(reply.id), "object": "chat.completion", "created": .int(reply.created),
            "model": .string(reply.model),
            "choices": [
                [
                    "index": 0, "message": ["role": "assistant", "content": result["answer"] ?? ""],
                    "logprobs": .null, "finish_reason": result["limit_hit"] == .null ? "stop" : "length",
                ]
            ],
            "usage": [
                "prompt_tokens": usage["prompt_tokens"] ?? 0, "completion_tokens": usage["completion_tokens"] ?? 0,
                "total_tokens": usage["total_tokens"] ?? 0,
            ],
            "emergent": [
                "run_id": .string(live.id), "conversation_id": .string(live.conversationID),
                "citations": result["citations"] ?? [], "artifacts": result["artifacts"] ?? [], "steps": .array(steps),
            ],
        ])
    }

    /// The input (the last message, which must be the user's) and the turns before it.
    static func turns(_ messages: JSONValue?) throws -> (String, [ChatMessage]) {
        guard let list = messages?.arrayValue, !list.isEmpty else {
            throw PlatformError.invalid("messages", "'messages' must be a non-empty list ending with a user message.")
        }
        var turns: [ChatMessage] = []
        for (index, message) in list.enumerated() {
            guard let role = message["role"]?.stringValue else {
                throw PlatformError.invalid("messages.\(index).role", "Every message needs a 'role'.")
            }
            let text = try content(message["content"], at: index)
            switch role {
            case "user": turns.append(.user(text))
            case "assistant": turns.append(.assistant(text))
            case "system", "developer", "tool": continue  // The agent brings its own instructions and tools.
            default:
                throw PlatformError.invalid("messages.\(index).role", "Unknown role '\(role)'.")
            }
        }
        guard let last = turns.last, last.role == .user else {
            throw PlatformError.invalid("messages", "The last message must be the user's: it is the agent's input.")
        }
        return (last.content, Array(turns.dropLast()))
    }

    private static func content(_ value: JSONValue?, at index: Int) throws -> String {
        switch value {
        case .string(let text)?: return text
        case nil, .null?: return ""
        case .array(let parts)?:
            return try parts.map { part -> String in
                guard part["type"]?.stringValue == "text", let text = part["text"]?.stringValue else {
                    throw PlatformError.invalid(
                        "messages.\(index).content", "Agents take text parts only; send files with POST /v1/files and the runs API.")
                }
                return text
            }.joined()
        default:
            throw PlatformError.invalid("messages.\(index).content", "'content' is a string or a list of text parts.")
        }
    }
}

/// `chat.completion.chunk`s for a run's events.
struct ChatChunks: Sendable {
    let id: String
    let created: Int
    let model: String

    func chunk(delta: JSONValue, finish: JSONValue = .null, emergent: JSONValue? = nil) -> JSONValue {
        var object: JSONObject = [
            "id": .string(id), "object": "chat.completion.chunk", "created": .int(created), "model": .string(model),
            "choices": [["index": 0, "delta": delta, "logprobs": .null, "finish_reason": finish]],
        ]
        if let emergent { object["emergent"] = emergent }
        return .object(object)
    }

    func chunks(for event: RunEvent, includeUsage: Bool) -> [ByteBuffer] {
        switch event.name {
        case "run.started":
            return [Reply.event(chunk(
                delta: ["role": "assistant", "content": ""],
                emergent: ["event": .string(event.name), "data": event.data]))]
        case "message.delta":
            return [Reply.event(chunk(delta: ["content": event.data["text"] ?? ""]))]
        case "tool.call", "tool.output":
            return [Reply.event(chunk(delta: [:], emergent: ["event": .string(event.name), "data": event.data]))]
        case "run.completed", "run.failed":
            var out: [ByteBuffer] = []
            if event.name == "run.failed" {
                let message = "The agent's run failed: \(event.data["error"]?.stringValue ?? "unknown error")"
                out.append(Reply.event([
                    "error": ["message": .string(message), "type": "server_error", "param": .null, "code": "agent_run_failed"]
                ]))
            }
            let finish: JSONValue = event.data["limit_hit"] == .null ? "stop" : "length"
            out.append(Reply.event(chunk(
                delta: [:], finish: finish, emergent: ["event": .string(event.name), "data": event.data])))
            if includeUsage, let usage = event.data["usage"] {
                out.append(Reply.event([
                    "id": .string(id), "object": "chat.completion.chunk", "created": .int(created),
                    "model": .string(model), "choices": [],
                    "usage": [
                        "prompt_tokens": usage["prompt_tokens"] ?? 0,
                        "completion_tokens": usage["completion_tokens"] ?? 0,
                        "total_tokens": usage["total_tokens"] ?? 0,
                    ],
                ]))
            }
            out.append(Reply.done)
            return out
        default:
            return []
        }
    }
}
