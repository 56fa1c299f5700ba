import EmergentCore
import EmergentModels

/// The JSON body of a streamed `POST /chat/completions`, as OpenAI defines it.
///
/// Optional fields are left out when they hold their neutral value, so strict servers (OpenAI itself) never see a
/// parameter they do not know. llama.cpp's `top_k`, `min_p` and `repeat_penalty` are sent only when they are in use.
struct ChatCompletionRequestBody: Encodable {
    struct StreamOptions: Encodable {
        var includeUsage = true

        enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
    }

    var model: String
    var messages: [Message]
    var stream = true
    var streamOptions = StreamOptions()
    var tools: [Tool]?
    var toolChoice: ToolChoiceValue?
    var parallelToolCalls: Bool?
    var responseFormat: JSONValue?
    var temperature: Double
    var topP: Double
    var topK: Int?
    var minP: Double?
    var repeatPenalty: Double?
    var presencePenalty: Double?
    var frequencyPenalty: Double?
    var seed: UInt32?
    var maxTokens: Int?
    var stop: [String]?
    var logprobs: Bool?
    var topLogprobs: Int?

    enum CodingKeys: String, CodingKey {
        case model, messages, stream, tools, temperature, seed, stop, logprobs
        case streamOptions = "stream_options"
        case toolChoice = "tool_choice"
        case parallelToolCalls = "parallel_tool_calls"
        case responseFormat = "response_format"
        case topP = "top_p"
        case topK = "top_k"
        case minP = "min_p"
        case repeatPenalty = "repeat_penalty"
        case presencePenalty = "presence_penalty"
        case frequencyPenalty = "frequency_penalty"
        case maxTokens = "max_tokens"
        case topLogprobs = "top_logprobs"
    }

    init(_ request: ChatRequest, model: String) {
        self.model = model
        messages = request.messages.map(Message.init)
        if !request.tools.isEmpty {
            // OpenAI refuses `tool_choice` and `parallel_tool_calls` without tools.
            tools = request.tools.map(Tool.init)
            toolChoice = ToolChoiceValue(request.toolChoice)
            parallelToolCalls = request.parallelToolCalls
        }
        responseFormat = Self.wire(request.responseFormat)
        let sampling = request.sampling
        temperature = sampling.temperature
        topP = sampling.topP
        topK = sampling.topK > 0 ? sampling.topK : nil
        minP = sampling.minP > 0 ? sampling.minP : nil
        repeatPenalty = sampling.repeatPenalty != 1 ? sampling.repeatPenalty : nil
        presencePenalty = sampling.presencePenalty != 0 ? sampling.presencePenalty : nil
        frequencyPenalty = sampling.frequencyPenalty != 0 ? sampling.frequencyPenalty : nil
        seed = sampling.seed
        maxTokens = request.maxTokens >= ChatRequest.untilContextEnds ? nil : request.maxTokens
        stop = request.stop.isEmpty ? nil : request.stop
        if let count = request.logprobs {
            logprobs = true
            topLogprobs = count
        }
    }

    private static func wire(_ format: ResponseFormat) -> JSONValue? {
        switch format {
        case .text:
            return nil
        case .jsonObject:
            return ["type": "json_object"]
        case .jsonSchema(let schema, let strict):
            return [
                "type": "json_schema",
                "json_schema": ["name": .string(schemaName(schema)), "schema": schema, "strict": .bool(strict)],
            ]
        }
    }

    /// The name OpenAI requires for a schema (letters, digits, `_` and `-`, at most 64): the schema's own title where
    /// it has one.
    static func schemaName(_ schema: JSONValue) -> String {
        guard case .object(let members) = schema, case .string(let title)? = members["title"] else { return "response" }
        let allowed = title.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-")
                ? Character(scalar) : "_"
        }
        return allowed.isEmpty ? "response" : String(allowed.prefix(64))
    }

    /// One message; `content` is null only for an assistant message that just calls tools.
    struct Message: Encodable {
        var role: String
        var content: String?
        var toolCalls: [ToolCallValue]?
        var toolCallID: String?

        enum CodingKeys: String, CodingKey {
            case role, content
            case toolCalls = "tool_calls"
            case toolCallID = "tool_call_id"
        }

        init(_ message: ChatMessage) {
            role = message.role.rawValue
            content = message.content
            if !message.toolCalls.isEmpty {
                toolCalls = message.toolCalls.map(ToolCallValue.init)
                if message.content.isEmpty { content = nil }
            }
            toolCallID = message.toolCallID
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(role, forKey: .role)
            try container.encode(content, forKey: .content)  // explicit null, as OpenAI documents it
            try container.encodeIfPresent(toolCalls, forKey: .toolCalls)
            try container.encodeIfPresent(toolCallID, forKey: .toolCallID)
        }
    }

    /// A call in an assistant message; the arguments travel as JSON text.
    struct ToolCallValue: Encodable {
        struct Function: Encodable {
            var name: String
            var arguments: String
        }

        var id: String
        var type = "function"
        var function: Function

        init(_ call: ToolCall) {
            id = call.id
            // A string holds arguments that never parsed as JSON; send them back as the model wrote them.
            let arguments = if case .string(let raw) = call.arguments { raw } else { call.arguments.compactJSON }
            function = Function(name: call.name, arguments: arguments)
        }
    }

    /// A tool on offer.
    struct Tool: Encodable {
        struct Function: Encodable {
            var name: String
            var description: String
            var parameters: JSONValue
        }

        var type = "function"
        var function: Function

        init(_ spec: ToolSpec) {
            function = Function(name: spec.name, description: spec.description, parameters: spec.parameters)
        }
    }

    /// `"none"`, `"auto"`, `"required"` or `{"type": "function", "function": {"name": …}}`.
    struct ToolChoiceValue: Encodable {
        var choice: ToolChoice

        init(_ choice: ToolChoice) { self.choice = choice }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch choice {
            case .none: try container.encode("none")
            case .auto: try container.encode("auto")
            case .required: try container.encode("required")
            case .function(let name):
                let value: JSONValue = ["type": "function", "function": ["name": .string(name)]]
                try container.encode(value)
            }
        }
    }
}
