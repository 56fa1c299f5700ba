import Foundation
import EmergentCore
import EmergentServer

/// The platform's routes in `/openapi.json` (a test compares them with the router's).
enum PlatformOperations {
    typealias Operation = OpenAPIDocument.Operation

    static let definition: JSONValue = [
        "type": "object", "required": ["name"],
        "properties": [
            "name": ["type": "string"], "description": ["type": "string"], "instructions": ["type": "string"],
            "model": ["type": "string"],
            "tools": ["anyOf": [["type": "array", "items": ["type": "string"]], ["type": "object"]]],
            "knowledge": ["type": "array", "items": ["type": "string"]], "limits": ["type": "object"],
            "sampling": ["type": "object"], "welcome": ["type": "string"],
            "suggested_prompts": ["type": "array", "items": ["type": "string"]],
        ],
    ]

    static let run: JSONValue = [
        "type": "object", "required": ["input"],
        "properties": [
            "input": ["type": "string"], "conversation_id": ["type": "string"],
            "files": ["type": "array", "items": ["type": "string"]], "stream": ["type": "boolean"],
            "version": ["anyOf": [["type": "integer", "minimum": 1], ["type": "string", "enum": ["draft", "latest"]]]],
        ],
    ]

    static let all: [Operation] = [
        Operation(method: "GET", path: "/v1/agents", summary: "List agents (admin)"),
        Operation(method: "POST", path: "/v1/agents", summary: "Create an agent from a definition, JSON or YAML (admin)", requestSchema: definition),
        Operation(method: "GET", path: "/v1/agents/{id}", summary: "One agent (admin)"),
        Operation(method: "PATCH", path: "/v1/agents/{id}", summary: "Edit an agent's draft (admin)", requestSchema: ["type": "object"]),
        Operation(method: "DELETE", path: "/v1/agents/{id}", summary: "Delete an agent; ?force=true with its conversations (admin)"),
        Operation(method: "POST", path: "/v1/agents/{id}/publish", summary: "Publish the draft as a new version (admin)", requestSchema: ["type": "object", "properties": ["note": ["type": "string"]]]),
        Operation(method: "GET", path: "/v1/agents/{id}/versions", summary: "Published versions (admin)"),
        Operation(method: "POST", path: "/v1/agents/{id}/keys", summary: "Make an API key for one agent, shown once (admin)", requestSchema: ["type": "object", "properties": ["name": ["type": "string"]]]),
        Operation(method: "GET", path: "/v1/agents/{id}/keys", summary: "An agent's keys, without secrets (admin)"),
        Operation(method: "DELETE", path: "/v1/agents/{id}/keys/{key}", summary: "Revoke an agent key (admin)"),
        Operation(method: "GET", path: "/v1/agents/{id}/export", summary: "The agent's definition as YAML (admin)", responseContentType: "text/yaml"),
        Operation(method: "GET", path: "/v1/agents/{id}/conversations", summary: "An agent's conversations"),
        Operation(method: "POST", path: "/v1/agents/{id}/runs", summary: "Run the agent on one input, streamed (SSE) or blocking", requestSchema: run),
        Operation(method: "GET", path: "/v1/runs/{id}", summary: "A run with every step"),
        Operation(method: "GET", path: "/v1/runs/{id}/events", summary: "A run's events so far, then live (SSE)", responseContentType: "text/event-stream"),
        Operation(method: "POST", path: "/v1/runs/{id}/cancel", summary: "Stop a run"),
        Operation(method: "GET", path: "/v1/conversations/{id}", summary: "A conversation with its messages"),
        Operation(method: "DELETE", path: "/v1/conversations/{id}", summary: "Delete a conversation"),
        Operation(method: "POST", path: "/v1/files", summary: "Upload a file (multipart/form-data, part 'file')", requestSchema: ["type": "object"]),
        Operation(method: "GET", path: "/v1/files/{id}", summary: "A file's metadata"),
        Operation(method: "GET", path: "/v1/files/{id}/content", summary: "A file's bytes", responseContentType: "application/octet-stream"),
        Operation(method: "GET", path: "/", summary: "The web UI", responseContentType: "text/html", authenticated: false),
        Operation(method: "GET", path: "/ui/{file}", summary: "The web UI's files", responseContentType: "text/plain", authenticated: false),
    ]
}
