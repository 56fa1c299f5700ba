import EmergentJinja

/// A piece of parsed model output, streamed as the text arrives.
public enum OutputEvent: Sendable, Equatable {
    /// Visible answer text.
    case content(String)
    /// Reasoning text (`<think>…</think>`, harmony's analysis channel, …).
    case reasoning(String)
    /// A tool call begins: its index in this reply, its id and the function name.
    case toolCallStart(index: Int, id: String, name: String)
    /// A piece of the call's arguments (JSON text); the pieces concatenate to the whole.
    case toolCallArguments(index: Int, fragment: String)
    /// Text that looked like a tool call but could not be read as one. It is part of the content (never lost),
    /// and `reason` says what was wrong, so an agent loop can ask the model to try again.
    case malformed(text: String, reason: String)
}

/// One tool call read from model output.
public struct ParsedToolCall: Sendable, Equatable {
    public var id: String
    public var name: String
    /// The arguments as compact JSON text, keys in the order the model wrote them.
    public var arguments: String

    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// A whole reply, split into content, reasoning and tool calls.
public struct ParsedOutput: Sendable, Equatable {
    public var content = ""
    public var reasoning = ""
    public var toolCalls: [ParsedToolCall] = []
    /// Why any tool-call-like text could not be parsed (it stays in `content`).
    public var problems: [String] = []

    public init(content: String = "", reasoning: String = "", toolCalls: [ParsedToolCall] = [], problems: [String] = [])
    {
        self.content = content
        self.reasoning = reasoning
        self.toolCalls = toolCalls
        self.problems = problems
    }

    /// Folds streamed events into a reply (whitespace around content and reasoning trimmed).
    public init(events: [OutputEvent]) {
        for event in events { apply(event) }
        content = content.trimmingWhitespace
        reasoning = reasoning.trimmingWhitespace
    }

    public mutating func apply(_ event: OutputEvent) {
        switch event {
        case .content(let text): content += text
        case .reasoning(let text): reasoning += text
        case .toolCallStart(_, let id, let name): toolCalls.append(ParsedToolCall(id: id, name: name, arguments: ""))
        case .toolCallArguments(let index, let fragment):
            if toolCalls.indices.contains(index) { toolCalls[index].arguments += fragment }
        case .malformed(let text, let reason):
            content += text
            problems.append(reason)
        }
    }

    /// True when some tool-call text could not be parsed.
    public var isMalformed: Bool { !problems.isEmpty }
}

extension String {
    var trimmingWhitespace: String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}

/// Issues tool-call ids: ones the model wrote are kept; others are generated.
public struct ToolCallIDs: Sendable {
    private var counter = 0
    private let prefix: String

    /// Ids `prefix0`, `prefix1`, …; the default prefix is random, so ids do not repeat across replies.
    public init(prefix: String? = nil) {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        self.prefix = prefix ?? "call_" + String((0..<8).map { _ in alphabet.randomElement() ?? "x" }) + "_"
    }

    mutating func next() -> String {
        defer { counter += 1 }
        return "\(prefix)\(counter)"
    }
}

/// JSON helpers for tool-call arguments.
enum ArgumentsJSON {
    /// Parses `text` as a JSON object and returns it compact, or nil when it is not a JSON object.
    static func normalizedObject(_ text: String) -> String? {
        guard let value = try? JinjaJSON.parse(text.trimmingWhitespace), case .dict = value else { return nil }
        return try? JinjaJSON.dumps(value, separators: (",", ":"))
    }

    /// Compact JSON for a value.
    static func compact(_ value: JinjaValue) -> String? {
        try? JinjaJSON.dumps(value, separators: (",", ":"))
    }

    /// A parameter value written as text: JSON when it reads as JSON (numbers, booleans, objects), else a string.
    static func parameterValue(_ text: String) -> JinjaValue {
        (try? JinjaJSON.parse(text.trimmingWhitespace)) ?? .string(text)
    }

}
