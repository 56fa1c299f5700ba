import EmergentCore
import EmergentJinja

/// How one model family writes reasoning and tool calls in its output.
public struct ToolCallFormat: Sendable {
    /// The families we read; `detect(template:)` picks one from a chat template.
    public enum Family: String, Sendable, CaseIterable {
        case hermes  // Hermes, Qwen2.5, Qwen3: <tool_call>{json}</tool_call>
        case qwen3Coder  // <tool_call><function=…><parameter=…>
        case glm45  // GLM-4.5/4.6/4.7: <tool_call>name<arg_key>…<arg_value>…
        case glm4  // GLM-4-9B-chat: name on the first line, then JSON arguments
        case llama3  // {"name", "parameters"} and <|python_tag|>
        case mistral  // [TOOL_CALLS]
        case deepseek  // <｜tool▁calls▁begin｜>…
        case harmony  // gpt-oss channels
        case generic  // {"tool_calls": […]} / {"response": …}
    }

    public var family: Family
    /// Argument values are written as raw text (XML families); they are typed afterwards from the tool's schema.
    var rawArgumentValues: Bool { family == .qwen3Coder || family == .glm45 }
    /// A variant of the family's syntax: Mistral's `NAME[ARGS]{…}` (v11+), DeepSeek V3.1's bare `NAME<｜tool▁sep｜>{…}`.
    public var newerSyntax = false
    /// Reasoning markers, when the family writes reasoning.
    var reasoning: (start: String, end: String)?
    var blocks: [Block]

    /// A delimited tool-call region of the output and how to read its body.
    struct Block: Sendable {
        var start: String
        /// `nil`: the block runs to the end of the output.
        var end: String?
        /// Only recognised as the first non-space text of the reply.
        var onlyAtStart = false
        /// The start marker belongs to the body (a leading `{`).
        var startIsBody = false
        /// On a parse failure the text is ordinary content, not a malformed call…
        var fallbackToContent = false
        /// …unless it clearly meant to be a call (it names the call's keys); then it is reported as malformed.
        var claimsCall: (@Sendable (_ body: String) -> Bool)? = nil
        var parse: @Sendable (_ body: String) -> [(name: String, arguments: JinjaValue, id: String?)]?
    }

    /// Picks the family from a chat template's source (the markers it writes for tool calls).
    public static func detect(template source: String?) -> ToolCallFormat {
        guard let source else { return .generic }
        let thinks = source.contains("<think>")
        var format: ToolCallFormat
        if source.contains("<|channel|>") {
            format = ToolCallFormat(family: .harmony, reasoning: nil, blocks: [])
        } else if source.contains("<arg_key>") {
            format = .glm45
        } else if source.contains("<function=") && source.contains("<parameter=") {
            format = .qwen3Coder
        } else if source.contains("<tool_call>") {
            format = .hermes
        } else if source.contains("tool▁calls▁begin") {
            format = .deepseek
            format.newerSyntax = !source.contains("```json")
        } else if source.contains("[TOOL_CALLS]") {
            format = .mistral
            format.newerSyntax = source.contains("[ARGS]")
            if source.contains("[THINK]") { format.reasoning = ("[THINK]", "[/THINK]") }
            return format
        } else if source.contains("<|python_tag|>") || source.contains("Environment: ipython") {
            format = .llama3
        } else if source.contains("<|observation|>") {
            format = .glm4
        } else {
            format = .generic
        }
        if thinks && format.reasoning == nil && format.family != .harmony { format.reasoning = ("<think>", "</think>") }
        return format
    }

    /// A fresh streaming parser for one reply.
    /// - Parameters:
    ///   - toolNames: the tools on offer; a call to any other name is reported as malformed. Empty: any name.
    ///   - startsInReasoning: the prompt already opened the reasoning block (it ends with `<think>`).
    ///   - tools: the tools' schemas, when known: XML families' raw values are typed from them (a `string`
    ///     parameter stays text even when it looks like a number).
    public func makeParser(
        toolNames: [String] = [], tools: [ToolSpec] = [], startsInReasoning: Bool = false,
        ids: ToolCallIDs = ToolCallIDs()
    ) -> any ToolCallStreamParser {
        if family == .harmony { return HarmonyParser(toolNames: toolNames, ids: ids) }
        if !tools.isEmpty {
            return MarkerParser(
                format: self, toolNames: Set(toolNames + tools.map(\.name)), startsInReasoning: startsInReasoning,
                ids: ids,
                schemas: Dictionary(tools.map { ($0.name, $0.parameters) }, uniquingKeysWith: { first, _ in first }))
        }
        return MarkerParser(format: self, toolNames: Set(toolNames), startsInReasoning: startsInReasoning, ids: ids)
    }

    /// Parses a complete reply.
    public func parse(
        _ text: String, toolNames: [String] = [], startsInReasoning: Bool = false, ids: ToolCallIDs = ToolCallIDs()
    )
        -> ParsedOutput
    {
        var parser = makeParser(toolNames: toolNames, startsInReasoning: startsInReasoning, ids: ids)
        return ParsedOutput(events: parser.feed(text) + parser.finish())
    }
}

/// Reads one reply incrementally: feed text as it is generated, then call `finish` once.
public protocol ToolCallStreamParser: Sendable {
    /// Adds generated text; returns what can be decided now. Text that may start a tool-call marker is held back.
    mutating func feed(_ text: String) -> [OutputEvent]
    /// Ends the reply: flushes held text and closes (or reports) an unfinished call.
    mutating func finish() -> [OutputEvent]
}
