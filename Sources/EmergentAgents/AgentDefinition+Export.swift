import EmergentCore
import Yams

extension AgentDefinition {
    /// The definition as JSON, with keys in the order an agent file lists them: name, description, instructions,
    /// model, tools, knowledge, limits, sampling, welcome, suggested_prompts. Absent fields are left out; tools are
    /// a mapping of kind to settings (`{}` for the defaults). ``parse(_:source:)`` reads it back unchanged.
    public func jsonValue() -> JSONValue {
        var object = JSONObject()
        object["name"] = .string(name)
        object["description"] = description.map(JSONValue.string)
        object["instructions"] = instructions.map(JSONValue.string)
        object["model"] = model.map(JSONValue.string)
        if !tools.isEmpty {
            let known = AgentToolKind.allCases.map(\.rawValue).filter { tools[$0] != nil }
            let others = tools.keys.filter { AgentToolKind(rawValue: $0) == nil }.sorted()
            // `null` settings mean the defaults, which a file writes as `{}`.
            object["tools"] = .object(
                JSONObject((known + others).map { ($0, tools[$0].flatMap { $0 == .null ? nil : $0 } ?? [:]) }))
        }
        object["knowledge"] = knowledge.map { .array($0.map(JSONValue.string)) }
        if let limits {
            object["limits"] = [
                "max_tool_rounds": .int(limits.maxToolRounds), "max_wall_seconds": Self.number(limits.maxWallSeconds),
                "max_tokens": .int(limits.maxTokens), "tool_timeout_seconds": Self.number(limits.toolTimeoutSeconds),
                "max_parallel_calls": .int(limits.maxParallelCalls),
            ]
        }
        if let sampling {
            var settings = JSONObject()
            settings["temperature"] = sampling.temperature.map(Self.number)
            settings["top_p"] = sampling.topP.map(Self.number)
            settings["top_k"] = sampling.topK.map(JSONValue.int)
            settings["min_p"] = sampling.minP.map(Self.number)
            settings["seed"] = sampling.seed.map { .int(Int($0)) }
            settings["max_tokens"] = sampling.maxTokens.map(JSONValue.int)
            object["sampling"] = .object(settings)
        }
        object["welcome"] = welcome.map(JSONValue.string)
        object["suggested_prompts"] = suggestedPrompts.map { .array($0.map(JSONValue.string)) }
        return .object(object)
    }

    /// The definition as a YAML agent file, in the order of ``jsonValue()``: block mappings and lists, multi-line
    /// text as `|` blocks, and quotes only where YAML needs them (`'yes'`, `"10"`, `"a: b"`).
    /// ``parse(_:source:)`` reads it back unchanged.
    public func yamlText() -> String {
        let json = jsonValue()
        if case .object(let object) = json {
            let text = YAMLBlockWriter.document(object)
            // The writer's quoting rules are its own; keep its output only when it provably reads back the same.
            if let decoded = try? YAMLDecoder().decode(AgentDefinition.self, from: text), decoded.jsonValue() == json {
                return text
            }
        }
        do {
            // libyaml's emitter quotes and escapes more than needed, but never wrongly.
            return try Yams.serialize(node: Self.node(json), indent: 2, width: -1, allowUnicode: true)
        } catch {
            // libyaml refuses nothing this tree can hold; JSON is YAML too, should it ever.
            return json.compactJSON + "\n"
        }
    }

    /// A typed number: whole values without `.0`, which reads more naturally and decodes to the same `Double`.
    private static func number(_ value: Double) -> JSONValue {
        value.isFinite && value == value.rounded() && abs(value) < 1e15 ? .int(Int(value)) : .double(value)
    }

    /// The tree for libyaml's emitter.
    private static func node(_ value: JSONValue) -> Node {
        switch value {
        case .null: return Node("null")
        case .bool(let flag): return Node(flag ? "true" : "false")
        case .int(let number): return Node(String(number))
        case .double(let number):
            // Written so that it reads back as a Double, not an Int (`2.0`, `1e-05`, `.inf`).
            if number.isNaN { return Node(".nan") }
            if number.isInfinite { return Node(number < 0 ? "-.inf" : ".inf") }
            return Node("\(number)")
        case .string(let text): return Node(text, .implicit, style(for: text))
        case .array(let items): return Node(items.map(node), .implicit, items.isEmpty ? .flow : .block)
        case .object(let object):
            let pairs = object.map { (Node($0.key, .implicit, style(for: $0.key)), node($0.value)) }
            return Node(pairs, .implicit, object.isEmpty ? .flow : .block)
        }
    }

    /// How a string is written so that it reads back as the same string: a `|` block for several lines, plain
    /// when YAML would not take it for something else, quoted otherwise. libyaml falls back to quotes by itself
    /// when the text cannot be written in the style asked for (trailing spaces in a block, `: ` in plain text).
    private static func style(for text: String) -> Node.Scalar.Style {
        // Line breaks other than \n would come back as \n (or fold) in a block; a quoted scalar escapes them.
        let otherBreaks: Set<Unicode.Scalar> = ["\r", "\u{85}", "\u{2028}", "\u{2029}"]
        if text.unicodeScalars.contains(where: otherBreaks.contains) { return .doubleQuoted }
        if text.contains("\n") { return .literal }
        let plain = Node.Scalar(text, .implicit, .plain)
        // The decoder reads JSON values (tool settings) as Bool, Int or Double before String, and Yams' own tag
        // rules and constructors do not quite agree (`nan`, `0x1p3`), so ask both.
        let readsAsString =
            Resolver.default.resolveTag(of: .scalar(plain)) == .str && Bool.construct(from: plain) == nil
            && Int.construct(from: plain) == nil && Double.construct(from: plain) == nil
        return readsAsString ? .plain : .singleQuoted
    }
}
