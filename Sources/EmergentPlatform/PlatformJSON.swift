import EmergentAgents
import EmergentCore
import EmergentStore
import EmergentTools
import Foundation

/// The API's JSON shapes for stored things: agents, versions, keys, conversations, messages, runs, files.
enum PlatformJSON {
    static func time(_ date: Date) -> JSONValue { .int(Int(date.timeIntervalSince1970)) }

    static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

    static func list(_ items: [JSONValue]) -> JSONValue { ["object": "list", "data": .array(items)] }

    static func definition(_ definition: AgentDefinition) -> JSONValue {
        (try? JSONValue(encoding: definition)) ?? .null
    }

    static func agent(_ agent: StoredAgent, conversationCount: Int) -> JSONValue {
        [
            "id": .string(agent.id), "object": "agent", "name": .string(agent.definition.name),
            "description": optional(agent.definition.description), "definition": definition(agent.definition),
            "published_version": agent.publishedVersion.map(JSONValue.int) ?? .null,
            "created_at": time(agent.createdAt), "updated_at": time(agent.updatedAt),
            "conversation_count": .int(conversationCount),
        ]
    }

    static func version(_ version: AgentVersion) -> JSONValue {
        [
            "object": "agent.version", "agent_id": .string(version.agentID), "version": .int(version.version),
            "definition": definition(version.definition), "note": optional(version.note),
            "created_at": time(version.createdAt),
        ]
    }

    static func key(_ record: APIKeyRecord, secret: String? = nil) -> JSONValue {
        var object: JSONObject = ["object": "api_key", "id": .string(record.id)]
        if let secret { object["key"] = .string(secret) }
        object["prefix"] = .string(record.prefix)
        switch record.scope {
        case .admin:
            object["scope"] = "admin"
            object["agent_id"] = .null
        case .agent(let id):
            object["scope"] = "agent"
            object["agent_id"] = .string(id)
        }
        object["name"] = optional(record.name)
        object["created_at"] = time(record.createdAt)
        object["last_used_at"] = record.lastUsedAt.map(time) ?? .null
        return .object(object)
    }

    static func conversation(_ conversation: StoredConversation) -> JSONValue {
        [
            "id": .string(conversation.id), "object": "conversation", "agent_id": .string(conversation.agentID),
            "title": .string(conversation.title), "created_at": time(conversation.createdAt),
            "updated_at": time(conversation.updatedAt),
        ]
    }

    static func message(_ stored: StoredMessage) -> JSONValue {
        let message = stored.message
        var object: JSONObject = ["role": .string(message.role.rawValue), "content": .string(message.content)]
        if !message.toolCalls.isEmpty {
            object["tool_calls"] = .array(message.toolCalls.map {
                ["id": .string($0.id), "name": .string($0.name), "arguments": $0.arguments]
            })
        }
        if let id = message.toolCallID { object["tool_call_id"] = .string(id) }
        if let name = message.name { object["name"] = .string(name) }
        if let reasoning = message.reasoningContent { object["reasoning_content"] = .string(reasoning) }
        object["run_id"] = optional(stored.runID)
        object["created_at"] = time(stored.createdAt)
        return .object(object)
    }

    static func file(_ file: StoredFile) -> JSONValue {
        [
            "id": .string(file.id), "object": "file", "bytes": .int(file.bytes), "filename": .string(file.filename),
            "content_type": .string(file.contentType), "sha256": .string(file.sha256),
            "purpose": .string(file.purpose), "created_at": time(file.createdAt),
        ]
    }

    static func contentURL(_ fileID: String) -> String { "/v1/files/\(fileID)/content" }

    static func artifact(_ artifact: StoredArtifact) -> JSONValue {
        [
            "file_id": .string(artifact.fileID), "url": .string(contentURL(artifact.fileID)),
            "name": .string(artifact.name), "mime_type": .string(artifact.mimeType), "bytes": .int(artifact.bytes),
        ]
    }

    static func citation(_ citation: Citation) -> JSONValue {
        [
            "id": .string(citation.id), "title": .string(citation.title), "url": .string(citation.url),
            "quote": optional(citation.quote),
        ]
    }

    static func usage(_ usage: Usage) -> JSONValue {
        [
            "prompt_tokens": .int(usage.promptTokens), "completion_tokens": .int(usage.completionTokens),
            "total_tokens": .int(usage.totalTokens), "reused_prompt_tokens": .int(usage.reusedPromptTokens),
        ]
    }

    /// What a blocking run returns and what `run.completed` / `run.failed` carry.
    static func runResult(_ run: StoredRun) -> JSONValue {
        [
            "object": "run.result", "run_id": .string(run.id), "conversation_id": .string(run.conversationID),
            "agent_id": .string(run.agentID), "version": run.agentVersion.map(JSONValue.int) ?? .null,
            "status": .string(run.status.rawValue), "answer": .string(run.answer ?? ""),
            "citations": .array(run.citations.map(citation)), "artifacts": .array(run.artifacts.map(artifact)),
            "usage": usage(run.usage), "limit_hit": run.limitHit.map { .string($0.rawValue) } ?? .null,
            "error": optional(run.error), "duration_seconds": run.durationSeconds.map(JSONValue.double) ?? .null,
        ]
    }

    /// A stored run with every step.
    static func run(_ run: StoredRun, steps: [TrajectoryStep]) -> JSONValue {
        [
            "id": .string(run.id), "object": "run", "agent_id": .string(run.agentID),
            "version": run.agentVersion.map(JSONValue.int) ?? .null, "conversation_id": .string(run.conversationID),
            "status": .string(run.status.rawValue), "input": .string(run.input), "answer": optional(run.answer),
            "error": optional(run.error), "usage": usage(run.usage),
            "limit_hit": run.limitHit.map { .string($0.rawValue) } ?? .null,
            "citations": .array(run.citations.map(citation)), "artifacts": .array(run.artifacts.map(artifact)),
            "created_at": time(run.createdAt), "finished_at": run.finishedAt.map(time) ?? .null,
            "duration_seconds": run.durationSeconds.map(JSONValue.double) ?? .null,
            "steps": .array(steps.map { (try? JSONValue(encoding: $0)) ?? .null }),
        ]
    }
}
