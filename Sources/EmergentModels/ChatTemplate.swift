import EmergentCore
import EmergentEngine
import EmergentJinja
import Foundation

/// A model's own Jinja chat template, rendered exactly as Hugging Face transformers renders it.
public struct ChatTemplate: ChatPromptFormat {
    public let template: JinjaTemplate
    /// The template's Jinja source.
    public let source: String
    public var bosToken: String
    public var eosToken: String
    /// Extra variables every render receives (for example `enable_thinking`).
    public var extraVariables: [String: JinjaValue]

    /// Compiles `source`; syntax errors carry the template name, line and column.
    public init(
        source: String, name: String = "chat_template", bosToken: String = "", eosToken: String = "",
        extraVariables: [String: JinjaValue] = [:], now: Date? = nil
    ) throws(JinjaError) {
        template = try JinjaTemplate(source, name: name, environment: .huggingFace(now: now))
        self.source = source
        self.bosToken = bosToken
        self.eosToken = eosToken
        self.extraVariables = extraVariables
    }

    /// The template stored in `model`'s GGUF metadata, with its BOS/EOS texts; `nil` when it has none.
    public static func of(_ model: Model, now: Date? = nil) throws(JinjaError) -> ChatTemplate? {
        guard let source = model.metadata.chatTemplate else { return nil }
        return try ChatTemplate(
            source: source, name: URL(fileURLWithPath: model.path).lastPathComponent,
            bosToken: model.metadata.specialTokens["bos"]?.text ?? "",
            eosToken: model.metadata.specialTokens["eos"]?.text ?? "",
            now: now)
    }

    public var stopSequences: [String] { [] }

    public func prompt(for messages: [ChatMessage], tools: [ToolSpec], addGenerationPrompt: Bool) throws -> String {
        try render(
            messages: .list(messages.map(\.jinjaValue)),
            tools: tools.isEmpty ? .none : .list(tools.map(\.jinjaValue)), addGenerationPrompt: addGenerationPrompt)
    }

    /// Renders with the variables transformers passes: `messages`, `tools`, `documents`, `add_generation_prompt`,
    /// `bos_token`, `eos_token`, plus `extraVariables` and `extra`.
    public func render(
        messages: JinjaValue, tools: JinjaValue = .none, addGenerationPrompt: Bool = true,
        extra: [String: JinjaValue] = [:]
    ) throws(JinjaError) -> String {
        var context: [String: JinjaValue] = [
            "messages": messages, "tools": tools, "documents": .none,
            "add_generation_prompt": .bool(addGenerationPrompt),
            "bos_token": .string(bosToken), "eos_token": .string(eosToken),
        ]
        context.merge(extraVariables) { _, new in new }
        context.merge(extra) { _, new in new }
        return try template.render(context)
    }
}

extension JSONValue {
    /// The value as a template value, object keys in their order.
    public var jinjaValue: JinjaValue { JinjaValue(json: self) }
}

extension ChatMessage {
    /// The message in the OpenAI shape templates expect.
    public var jinjaValue: JinjaValue {
        var pairs: [(String, JinjaValue)] = [("role", .string(role.rawValue)), ("content", .string(content))]
        if let reasoningContent { pairs.append(("reasoning_content", .string(reasoningContent))) }
        if !toolCalls.isEmpty {
            pairs.append(
                (
                    "tool_calls",
                    .list(
                        toolCalls.map { call in
                            .dict(
                                JinjaDict([
                                    ("id", .string(call.id)), ("type", .string("function")),
                                    (
                                        "function",
                                        .dict(
                                            JinjaDict([
                                                ("name", .string(call.name)), ("arguments", call.arguments.jinjaValue),
                                            ]))
                                    ),
                                ]))
                        })
                ))
        }
        if let toolCallID { pairs.append(("tool_call_id", .string(toolCallID))) }
        if let name { pairs.append(("name", .string(name))) }
        return .dict(JinjaDict(pairs))
    }
}

extension ToolSpec {
    /// The tool in the OpenAI shape: `{"type": "function", "function": {name, description, parameters}}`.
    public var jinjaValue: JinjaValue {
        .dict(
            JinjaDict([
                ("type", .string("function")),
                (
                    "function",
                    .dict(
                        JinjaDict([
                            ("name", .string(name)), ("description", .string(description)),
                            ("parameters", parameters.jinjaValue),
                        ]))
                ),
            ]))
    }
}
