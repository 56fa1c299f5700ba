import EmergentCore
import EmergentModels

/// A parsed `POST /v1/chat/completions` body: the model-independent `ChatRequest` plus what shapes the response.
struct ChatCompletionParameters {
    var model: String?
    var request: ChatRequest
    var stream: Bool
    var includeUsage: Bool
    /// `n`: how many independent choices to generate (decoded side by side).
    var choices: Int

    /// Fields OpenAI accepts that change nothing here; they are read and ignored rather than refused.
    static let ignoredFields: Set<String> = [
        "user", "metadata", "store", "service_tier", "logit_bias", "reasoning_effort", "prediction", "modalities",
        "audio", "web_search_options", "safety_identifier", "prompt_cache_key", "verbosity",
    ]

    init(_ body: JSONValue) throws(APIError) {
        var fields = try RequestFields(body)
        model = try fields.string("model")
        guard let rawMessages = try fields.array("messages") else { throw fields.missing("messages") }
        guard !rawMessages.isEmpty else { throw .invalid("messages", "'messages' must hold at least one message.") }
        var messages: [ChatMessage] = []
        for (index, raw) in rawMessages.enumerated() {
            messages.append(try Self.message(raw, path: "messages.\(index)"))
        }
        var request = ChatRequest(messages: messages, maxTokens: ChatRequest.untilContextEnds)

        if let tools = try fields.array("tools") {
            request.tools = try tools.enumerated().map { (index, raw) throws(APIError) in
                try Self.tool(raw, path: "tools.\(index)")
            }
        }
        request.toolChoice = try Self.toolChoice(fields.value("tool_choice"), tools: request.tools)
        request.parallelToolCalls = try fields.bool("parallel_tool_calls") ?? true
        if let format = try fields.object("response_format") { request.responseFormat = try Self.responseFormat(format) }

        request.sampling = try fields.sampling()

        let maxTokens = try fields.int("max_tokens", in: 1...Int(Int32.max))
        let maxCompletionTokens = try fields.int("max_completion_tokens", in: 1...Int(Int32.max))
        if let limit = maxCompletionTokens ?? maxTokens { request.maxTokens = limit }
        request.stop = try fields.stopStrings("stop")
        let logprobs = try fields.bool("logprobs") ?? false
        let top = try fields.int("top_logprobs", in: 0...20)
        if top != nil && !logprobs {
            throw .invalid("top_logprobs", "'top_logprobs' needs 'logprobs' set to true.")
        }
        request.logprobs = logprobs ? (top ?? 0) : nil
        choices = try fields.int("n", in: 1...16) ?? 1
        (stream, includeUsage) = try fields.streaming()
        try fields.rejectUnknown(ignoring: Self.ignoredFields)
        self.request = request
    }

    static func message(_ raw: JSONValue, path: String) throws(APIError) -> ChatMessage {
        var fields = try RequestFields(raw, path: path)
        let roleName = try fields.requiredString("role")
        guard let role = ChatMessage.Role(rawValue: roleName) else {
            throw .invalid(
                "\(path).role",
                "'\(path).role' is '\(roleName)'; expected one of system, developer, user, assistant, tool.")
        }
        let content = try text(of: fields.value("content"), path: "\(path).content")
        var message = ChatMessage(role: role, content: content ?? "")
        message.name = try fields.string("name")
        switch role {
        case .assistant:
            message.reasoningContent = try fields.string("reasoning_content")
            if let calls = try fields.array("tool_calls") {
                message.toolCalls = try calls.enumerated().map { (index, call) throws(APIError) in
                    try toolCall(call, path: "\(path).tool_calls.\(index)")
                }
            }
            if content == nil && message.toolCalls.isEmpty {
                throw .invalid("\(path).content", "'\(path).content' is required unless the message has tool_calls.")
            }
            _ = fields.value("refusal")
        case .tool:
            guard let id = try fields.string("tool_call_id") else { throw fields.missing("tool_call_id") }
            message.toolCallID = id
            if content == nil { throw fields.missing("content") }
        default:
            if content == nil { throw fields.missing("content") }
        }
        try fields.rejectUnknown()
        return message
    }

    /// `content` as text: a string, or an array of `{"type":"text","text":…}` parts joined together.
    static func text(of value: JSONValue?, path: String) throws(APIError) -> String? {
        guard let value else { return nil }
        switch value {
        case .string(let text): return text
        case .array(let parts):
            var text = ""
            for (index, part) in parts.enumerated() {
                var fields = try RequestFields(part, path: "\(path).\(index)")
                let type = try fields.requiredString("type")
                guard type == "text" else {
                    throw .invalid(
                        "\(path).\(index).type",
                        "Content parts of type '\(type)' are not supported: this model reads text only.",
                        code: "unsupported_content")
                }
                text += try fields.requiredString("text")
            }
            return text
        default:
            throw .invalid(path, "'\(path)' must be a string or an array of text parts, not \(value.typeName).", code: "invalid_type")
        }
    }

    static func toolCall(_ raw: JSONValue, path: String) throws(APIError) -> ToolCall {
        var fields = try RequestFields(raw, path: path)
        // A missing id gets one derived from the call's place in the conversation, stable across requests.
        let id = try fields.string("id") ?? "call_" + path.filter(\.isNumber)
        if let type = try fields.string("type"), type != "function" {
            throw .invalid("\(path).type", "'\(path).type' must be 'function'.")
        }
        guard var function = try fields.object("function") else { throw fields.missing("function") }
        let name = try function.requiredString("name")
        let argumentsText = try function.string("arguments") ?? "{}"
        let arguments: JSONValue
        do {
            arguments = try JSONParser.parse(argumentsText.isEmpty ? "{}" : argumentsText)
        } catch {
            throw .invalid("\(path).function.arguments", "'\(path).function.arguments' must be a JSON string: \(error).")
        }
        try function.rejectUnknown()
        try fields.rejectUnknown(ignoring: ["index"])
        return ToolCall(id: id, name: name, arguments: arguments)
    }

    static func tool(_ raw: JSONValue, path: String) throws(APIError) -> ToolSpec {
        var fields = try RequestFields(raw, path: path)
        let type = try fields.requiredString("type")
        guard type == "function" else {
            throw .invalid("\(path).type", "Only tools of type 'function' are supported, not '\(type)'.")
        }
        guard var function = try fields.object("function") else { throw fields.missing("function") }
        let name = try function.requiredString("name")
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }) else {
            throw .invalid("\(path).function.name", "Tool names may hold letters, digits, '_', '-' and '.' only; got '\(name)'.")
        }
        let description = try function.string("description") ?? ""
        let parameters = function.value("parameters") ?? ["type": "object", "properties": [:]]
        guard case .object = parameters else {
            throw .invalid("\(path).function.parameters", "'\(path).function.parameters' must be a JSON Schema object.")
        }
        _ = function.value("strict")
        try function.rejectUnknown()
        try fields.rejectUnknown()
        return ToolSpec(name: name, description: description, parameters: parameters)
    }

    static func toolChoice(_ value: JSONValue?, tools: [ToolSpec]) throws(APIError) -> ToolChoice {
        guard let value else { return tools.isEmpty ? .none : .auto }
        switch value {
        case .string("none"): return .none
        case .string("auto"): return tools.isEmpty ? .none : .auto
        case .string("required"):
            guard !tools.isEmpty else { throw .invalid("tool_choice", "'tool_choice' is 'required' but no tools were given.") }
            return .required
        case .object:
            var fields = try RequestFields(value, path: "tool_choice")
            guard try fields.requiredString("type") == "function" else {
                throw .invalid("tool_choice.type", "'tool_choice.type' must be 'function'.")
            }
            guard var function = try fields.object("function") else { throw fields.missing("function") }
            let name = try function.requiredString("name")
            guard tools.contains(where: { $0.name == name }) else {
                throw .invalid("tool_choice.function.name", "'tool_choice' names '\(name)', which is not among the tools.")
            }
            return .function(name)
        default:
            throw .invalid("tool_choice", "'tool_choice' must be 'none', 'auto', 'required' or {\"type\":\"function\",\"function\":{\"name\":…}}.")
        }
    }

    static func responseFormat(_ format: RequestFields) throws(APIError) -> ResponseFormat {
        var fields = format
        let type = try fields.requiredString("type")
        switch type {
        case "text":
            try fields.rejectUnknown()
            return .text
        case "json_object":
            try fields.rejectUnknown()
            return .jsonObject
        case "json_schema":
            guard var schemaFields = try fields.object("json_schema") else { throw fields.missing("json_schema") }
            _ = try schemaFields.string("name")
            _ = try schemaFields.string("description")
            let strict = try schemaFields.bool("strict") ?? false
            guard let schema = schemaFields.value("schema") else { throw schemaFields.missing("schema") }
            try schemaFields.rejectUnknown()
            try fields.rejectUnknown()
            return .jsonSchema(schema, strict: strict)
        default:
            throw .invalid("response_format.type", "'response_format.type' must be text, json_object or json_schema, not '\(type)'.")
        }
    }
}
