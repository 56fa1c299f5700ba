import EmergentCore
import Foundation

/// One supervised fine-tuning example: a conversation whose assistant turns are the training targets.
public struct TrainingConversation: Sendable, Hashable {
    /// The turns, in order.
    public var messages: [ChatMessage]

    public init(messages: [ChatMessage]) { self.messages = messages }

    /// Whether any turn is the assistant's, i.e. whether there is anything to learn from.
    public var hasTargets: Bool { messages.contains { $0.role == .assistant } }

    /// Reads one JSONL line in the OpenAI (`{"messages": [{"role", "content"}]}`) or ShareGPT
    /// (`{"conversations": [{"from", "value"}]}`) shape.
    ///
    /// ShareGPT roles map as `human`/`user` → user, `gpt`/`assistant`/`chatgpt`/`bing`/`bard` → assistant,
    /// `system` → system, `tool`/`function`/`observation` → tool.
    /// - Parameter line: the 1-based line number, quoted in errors.
    public init(jsonLine: Data, line: Int) throws(PackingError) {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: jsonLine)
        } catch {
            throw .malformedLine(line: line, problem: "it is not valid JSON")
        }
        guard let root = object as? [String: Any] else {
            throw .malformedLine(line: line, problem: "it is not a JSON object")
        }
        if let turns = root["messages"] {
            messages = try Self.turns(turns, line: line, roleKey: "role", textKey: "content", field: "messages")
        } else if let turns = root["conversations"] {
            messages = try Self.turns(turns, line: line, roleKey: "from", textKey: "value", field: "conversations")
        } else {
            throw .malformedLine(line: line, problem: "it has neither a \"messages\" nor a \"conversations\" array")
        }
    }

    private static func turns(
        _ value: Any, line: Int, roleKey: String, textKey: String, field: String
    ) throws(PackingError) -> [ChatMessage] {
        guard let list = value as? [Any] else {
            throw .malformedLine(line: line, problem: "\"\(field)\" is not an array")
        }
        var messages: [ChatMessage] = []
        messages.reserveCapacity(list.count)
        for (index, item) in list.enumerated() {
            guard let turn = item as? [String: Any] else {
                throw .malformedLine(line: line, problem: "\(field)[\(index)] is not an object")
            }
            guard let roleName = turn[roleKey] as? String else {
                throw .malformedLine(line: line, problem: "\(field)[\(index)] has no string \"\(roleKey)\"")
            }
            guard let role = role(named: roleName) else {
                throw .malformedLine(line: line, problem: "\(field)[\(index)] has the unknown role \"\(roleName)\"")
            }
            let content: String
            switch turn[textKey] {
            case let text as String: content = text
            case is NSNull, nil: content = ""
            default: throw .malformedLine(line: line, problem: "\(field)[\(index)].\(textKey) is not a string")
            }
            messages.append(ChatMessage(role: role, content: content, name: turn["name"] as? String))
        }
        return messages
    }

    private static func role(named name: String) -> ChatMessage.Role? {
        switch name.lowercased() {
        case "system": .system
        case "developer": .developer
        case "user", "human": .user
        case "assistant", "gpt", "chatgpt", "bing", "bard", "model": .assistant
        case "tool", "function", "observation", "ipython": .tool
        default: nil
        }
    }
}
