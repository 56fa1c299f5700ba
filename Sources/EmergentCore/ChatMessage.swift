/// One message of a conversation, in the roles OpenAI's chat API and chat templates use.
public struct ChatMessage: Sendable, Hashable, Codable {
    /// Who wrote a message.
    public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
        case system, developer, user, assistant, tool
    }

    public var role: Role
    public var content: String
    /// An assistant's visible reasoning (`<think>…</think>` and the like), kept apart from its answer.
    public var reasoningContent: String?
    /// Tool calls an assistant message makes.
    public var toolCalls: [ToolCall]
    /// For a tool message: the id of the call it answers.
    public var toolCallID: String?
    /// For a tool message: the tool's name.
    public var name: String?

    enum CodingKeys: String, CodingKey {
        case role, content, reasoningContent = "reasoning_content", toolCalls = "tool_calls"
        case toolCallID = "tool_call_id", name
    }

    public init(
        role: Role, content: String, reasoningContent: String? = nil, toolCalls: [ToolCall] = [],
        toolCallID: String? = nil, name: String? = nil
    ) {
        self.role = role
        self.content = content
        self.reasoningContent = reasoningContent
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
        self.name = name
    }

    public static func system(_ content: String) -> ChatMessage { ChatMessage(role: .system, content: content) }
    public static func user(_ content: String) -> ChatMessage { ChatMessage(role: .user, content: content) }
    public static func assistant(_ content: String, toolCalls: [ToolCall] = []) -> ChatMessage {
        ChatMessage(role: .assistant, content: content, toolCalls: toolCalls)
    }
    public static func tool(_ content: String, callID: String, name: String) -> ChatMessage {
        ChatMessage(role: .tool, content: content, toolCallID: callID, name: name)
    }
}

/// A function call made by the model.
public struct ToolCall: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    /// The arguments, normally a JSON object.
    public var arguments: JSONValue

    public init(id: String, name: String, arguments: JSONValue) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// A tool the model may call: a name, a description, and a JSON Schema for its parameters.
public struct ToolSpec: Sendable, Hashable, Codable {
    public var name: String
    public var description: String
    public var parameters: JSONValue

    public init(name: String, description: String, parameters: JSONValue) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }
}
