import EmergentCore
import Foundation

/// The OpenAPI 3.1 description of every route the server answers, served at `/openapi.json`.
///
/// Each route is documented here once; a test compares this list with the router's, so a route cannot be added
/// without its documentation.
public enum OpenAPIDocument {
    /// One documented operation.
    public struct Operation: Sendable {
        public var method: String
        public var path: String
        public var summary: String
        public var requestSchema: JSONValue?
        public var responseContentType: String
        /// Whether the route needs the API key (when one is set).
        public var authenticated: Bool

        public init(
            method: String, path: String, summary: String, requestSchema: JSONValue? = nil,
            responseContentType: String = "application/json", authenticated: Bool = true
        ) {
            self.method = method
            self.path = path
            self.summary = summary
            self.requestSchema = requestSchema
            self.responseContentType = responseContentType
            self.authenticated = authenticated
        }
    }

    static let message: JSONValue = [
        "type": "object", "required": ["role"],
        "properties": [
            "role": ["type": "string", "enum": ["system", "developer", "user", "assistant", "tool"]],
            "content": [
                "anyOf": [
                    ["type": "string"], ["type": "null"],
                    [
                        "type": "array",
                        "items": [
                            "type": "object", "required": ["type", "text"],
                            "properties": ["type": ["const": "text"], "text": ["type": "string"]],
                        ],
                    ],
                ]
            ],
            "name": ["type": "string"], "tool_call_id": ["type": "string"], "reasoning_content": ["type": "string"],
            "tool_calls": ["type": "array", "items": ["type": "object"]],
        ],
    ]

    static let stop: JSONValue = ["anyOf": [["type": "string"], ["type": "array", "items": ["type": "string"]]]]

    static let chatRequest: JSONValue = [
        "type": "object", "required": ["messages"],
        "properties": [
            "model": ["type": "string"], "messages": ["type": "array", "items": message, "minItems": 1],
            "tools": ["type": "array", "items": ["type": "object"]],
            "tool_choice": ["anyOf": [["type": "string", "enum": ["none", "auto", "required"]], ["type": "object"]]],
            "parallel_tool_calls": ["type": "boolean"],
            "response_format": ["type": "object"],
            "temperature": ["type": "number", "minimum": 0, "maximum": 2],
            "top_p": ["type": "number", "minimum": 0, "maximum": 1],
            "max_tokens": ["type": "integer", "minimum": 1], "max_completion_tokens": ["type": "integer", "minimum": 1],
            "stop": stop, "seed": ["type": "integer"],
            "presence_penalty": ["type": "number", "minimum": -2, "maximum": 2],
            "frequency_penalty": ["type": "number", "minimum": -2, "maximum": 2],
            "logprobs": ["type": "boolean"], "top_logprobs": ["type": "integer", "minimum": 0, "maximum": 20],
            "n": ["type": "integer", "minimum": 1, "maximum": 16],
            "stream": ["type": "boolean"],
            "stream_options": ["type": "object", "properties": ["include_usage": ["type": "boolean"]]],
        ],
    ]

    static let completionRequest: JSONValue = [
        "type": "object", "required": ["prompt"],
        "properties": [
            "model": ["type": "string"],
            "prompt": [
                "anyOf": [
                    ["type": "string"], ["type": "array", "items": ["type": "string"]],
                    ["type": "array", "items": ["type": "integer"]],
                    ["type": "array", "items": ["type": "array", "items": ["type": "integer"]]],
                ]
            ],
            "echo": ["type": "boolean"], "logprobs": ["type": "integer", "minimum": 0, "maximum": 20],
            "max_tokens": ["type": "integer", "minimum": 0], "stop": stop, "seed": ["type": "integer"],
            "temperature": ["type": "number", "minimum": 0, "maximum": 2], "stream": ["type": "boolean"],
        ],
    ]

    /// Every route, in the order the router registers them.
    public static let operations: [Operation] = [
        Operation(
            method: "POST", path: "/v1/chat/completions", summary: "Chat completion (OpenAI), streamed with SSE or whole",
            requestSchema: chatRequest, responseContentType: "application/json", authenticated: true),
        Operation(
            method: "POST", path: "/v1/completions", summary: "Text completion with echo and log-probabilities",
            requestSchema: completionRequest, responseContentType: "application/json", authenticated: true),
        Operation(
            method: "GET", path: "/v1/models", summary: "Models served", requestSchema: nil,
            responseContentType: "application/json", authenticated: true),
        Operation(
            method: "GET", path: "/v1/models/{model}", summary: "One model", requestSchema: nil,
            responseContentType: "application/json", authenticated: true),
        Operation(
            method: "POST", path: "/v1/embeddings", summary: "Embeddings (mean-pooled, L2-normalised)",
            requestSchema: [
                "type": "object", "required": ["input"],
                "properties": [
                    "model": ["type": "string"], "input": completionRequest["properties"]?["prompt"] ?? .null,
                    "encoding_format": ["type": "string", "enum": ["float", "base64"]],
                    "dimensions": ["type": "integer", "minimum": 1],
                ],
            ], responseContentType: "application/json", authenticated: true),
        Operation(
            method: "GET", path: "/tokenizer_info", summary: "Special tokens and chat template (vLLM shape)",
            requestSchema: nil, responseContentType: "application/json", authenticated: true),
        Operation(
            method: "POST", path: "/tokenize", summary: "Text to token ids (vLLM shape)",
            requestSchema: [
                "type": "object", "required": ["prompt"],
                "properties": [
                    "model": ["type": "string"], "prompt": ["type": "string"], "add_special_tokens": ["type": "boolean"],
                    "return_token_strs": ["type": "boolean"],
                ],
            ], responseContentType: "application/json", authenticated: true),
        Operation(
            method: "POST", path: "/detokenize", summary: "Token ids to text (vLLM shape)",
            requestSchema: [
                "type": "object", "required": ["tokens"],
                "properties": ["model": ["type": "string"], "tokens": ["type": "array", "items": ["type": "integer"]]],
            ], responseContentType: "application/json", authenticated: true),
        Operation(
            method: "GET", path: "/health", summary: "Liveness: 200 when the server answers", requestSchema: nil,
            responseContentType: "application/json", authenticated: false),
        Operation(
            method: "GET", path: "/metrics", summary: "Prometheus metrics", requestSchema: nil,
            responseContentType: "text/plain", authenticated: false),
        Operation(
            method: "GET", path: "/openapi.json", summary: "This document", requestSchema: nil,
            responseContentType: "application/json", authenticated: false),
    ]

    static let errorSchema: JSONValue = [
        "type": "object",
        "properties": [
            "error": [
                "type": "object",
                "properties": [
                    "message": ["type": "string"], "type": ["type": "string"],
                    "param": ["type": ["string", "null"]], "code": ["type": ["string", "null"]],
                ],
            ]
        ],
    ]

    /// The document, with the operations extensions add (the platform's agent API).
    public static func document(version: String, adding extra: [Operation] = []) -> JSONValue {
        var paths = JSONObject()
        for operation in operations + extra {
            var item = paths[operation.path]?.objectValue ?? JSONObject()
            var entry: JSONObject = [
                "summary": .string(operation.summary),
                "operationId": .string(operation.method.lowercased() + operation.path.replacingOccurrences(of: "/", with: "_")),
            ]
            let names = operation.path.split(separator: "{").dropFirst().compactMap { $0.split(separator: "}").first }
            if !names.isEmpty {
                entry["parameters"] = .array(names.map {
                    ["name": .string(String($0)), "in": "path", "required": true, "schema": ["type": "string"]]
                })
            }
            if let schema = operation.requestSchema {
                entry["requestBody"] = ["required": true, "content": ["application/json": ["schema": schema]]]
            }
            entry["responses"] = [
                "200": ["description": "Success", "content": [operation.responseContentType: [:]]],
                "default": ["description": "Error", "content": ["application/json": ["schema": errorSchema]]],
            ]
            if operation.authenticated { entry["security"] = [["bearer": []]] }
            item[operation.method.lowercased()] = .object(entry)
            paths[operation.path] = .object(item)
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Emergent", "version": .string(version),
                "description": "OpenAI-compatible API served by Emergent's embedded llama.cpp engine or remote upstreams.",
            ],
            "paths": .object(paths),
            "components": ["securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]]],
        ]
    }
}
