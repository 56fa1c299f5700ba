import EmergentCore

/// The fallback for models without a chat template (base models such as the default Gemma 3 270M).
///
/// The prompt is a plain transcript that base models continue naturally:
///
///     {system text}
///
///     User: {message}
///     Assistant: {reply}
///     Tool (get_weather): {result}
///     User: {message}
///     Assistant:
///
/// Tools, when offered, are listed after the system text as one JSON schema per line, followed by how to call them:
/// a reply that is only `{"tool_calls": [{"name": …, "arguments": {…}}]}` (the generic tool-call format); earlier
/// calls are written back in that same shape. Generation stops where the
/// transcript would start another turn: a `User:`, `Assistant:` or `Tool (` line.
public struct PlainChatFormat: ChatPromptFormat {
    public init() {}

    public var stopSequences: [String] { ["\nUser:", "\nuser:", "\nUSER:", "\nAssistant:", "\nTool ("] }

    public func prompt(for messages: [ChatMessage], tools: [ToolSpec], addGenerationPrompt: Bool) throws -> String {
        var prompt = ""
        let system = messages.filter { $0.role == .system || $0.role == .developer }.map(\.content)
        if !system.isEmpty { prompt += system.joined(separator: "\n") + "\n\n" }
        if !tools.isEmpty {
            prompt += "Available tools:\n"
            for tool in tools {
                let parameters = tool.parameters.compactJSON
                prompt += "- \(tool.name): \(tool.description) Parameters: \(parameters)\n"
            }
            prompt += "To call tools, reply with only {\"tool_calls\": [{\"name\": \"…\", \"arguments\": {…}}]}.\n\n"
        }
        for message in messages {
            switch message.role {
            case .system, .developer:
                continue
            case .user:
                prompt += "User: \(message.content)\n"
            case .assistant:
                var text = message.content
                if !message.toolCalls.isEmpty {
                    // The same shape the generic tool-call format asks the model to write.
                    let calls = message.toolCalls.map {
                        "{\"name\": \(JSONValue.quoted($0.name)), \"arguments\": \($0.arguments.compactJSON)}"
                    }
                    text += (text.isEmpty ? "" : " ") + "{\"tool_calls\": [" + calls.joined(separator: ", ") + "]}"
                }
                // Written as the model wrote it after "Assistant:": its text brings its own leading space, and a
                // forced call starts right after the colon. The same bytes keep the cached reply reusable.
                let separator = text.first?.isWhitespace == true || !message.toolCalls.isEmpty && message.content.isEmpty ? "" : " "
                prompt += "Assistant:\(separator)\(text)\n"
            case .tool:
                prompt += "Tool (\(message.name ?? "result")): \(message.content)\n"
            }
        }
        if addGenerationPrompt { prompt += "Assistant:" }
        return prompt
    }
}
