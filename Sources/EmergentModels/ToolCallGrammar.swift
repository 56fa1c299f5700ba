import EmergentCore
import EmergentJinja
import Foundation

/// Grammars that make the model write tool calls in its own family's syntax, with arguments that match each
/// tool's parameter schema.
enum ToolCallGrammar {
    /// A grammar whose root is one call (or several, with `parallel`) to one of `tools`.
    static func forced(_ format: ToolCallFormat, tools: [ToolSpec], parallel: Bool) -> String {
        var rules = JSONSchemaGrammar.primitives.map { "\($0.0) ::= \($0.1)" }
        rules.append(#"integer-value ::= "-"? integral-part"#)
        rules.append(#"number-value ::= "-"? integral-part ("." decimal-part)?"#)
        var calls: [String] = []
        for (index, tool) in tools.enumerated() {
            // Tool schemas often carry keywords the grammar cannot enforce (minimum, …): drop those, and fall back to
            // any JSON object if the schema cannot be expressed at all.
            var argumentsRule = "object"
            if let grammar = try? JSONSchemaGrammar.grammar(for: tool.parameters, ignoringUnsupportedKeywords: true) {
                let prefix = "t\(index)-"
                for line in grammar.split(separator: "\n") where !line.isEmpty {
                    guard let separator = line.range(of: " ::= ") else { continue }
                    let name = String(line[..<separator.lowerBound])
                    if JSONSchemaGrammar.primitives.contains(where: { $0.0 == name }) { continue }
                    rules.append(
                        prefix + name + " ::= " + Self.prefixed(String(line[separator.upperBound...]), prefix: prefix))
                }
                argumentsRule = prefix + "root"
            }
            let name = JSONSchemaGrammar.quote(tool.name)
            let call: String
            switch format.family {
            case .hermes:
                call =
                    #""<tool_call>\n{\"name\": \"" "# + inner(tool.name) + #" "\", \"arguments\": " "# + argumentsRule
                    + #" "}\n</tool_call>""#
            case .qwen3Coder:
                call =
                    #""<tool_call>\n<function=" "# + inner(tool.name) + #" ">\n" "#
                    + xmlParameters(tool, open: "<parameter=", middle: ">\n", close: "\n</parameter>\n")
                    + #" "</function>\n</tool_call>""#
            case .glm45:
                call =
                    #""<tool_call>" "# + name + #" "\n" "#
                    + xmlParameters(tool, open: "<arg_key>", middle: "</arg_key>\n<arg_value>", close: "</arg_value>\n")
                    + #" "</tool_call>""#
            case .glm4:
                call = name + #" "\n" "# + argumentsRule
            case .llama3:
                call = #""{\"name\": \"" "# + inner(tool.name) + #" "\", \"parameters\": " "# + argumentsRule + #" "}""#
            case .mistral:
                call =
                    format.newerSyntax
                    ? #""[TOOL_CALLS]" "# + name + #" "[ARGS]" "# + argumentsRule
                    : #""{\"name\": \"" "# + inner(tool.name) + #" "\", \"arguments\": " "# + argumentsRule + #" "}""#
            case .deepseek:
                call =
                    format.newerSyntax
                    ? #""<｜tool▁call▁begin｜>" "# + name + #" "<｜tool▁sep｜>" "# + argumentsRule
                        + #" "<｜tool▁call▁end｜>""#
                    : #""<｜tool▁call▁begin｜>function<｜tool▁sep｜>" "# + name + #" "\n```json\n" "# + argumentsRule
                        + #" "\n```<｜tool▁call▁end｜>""#
            case .harmony:
                call =
                    #""<|channel|>commentary to=functions." "# + name + #" " <|constrain|>json<|message|>" "#
                    + argumentsRule + #" "<|call|>""#
            case .generic:
                call = #""{\"name\": \"" "# + inner(tool.name) + #" "\", \"arguments\": " "# + argumentsRule + #" "}""#
            }
            rules.append("call-\(index) ::= \(call)")
            calls.append("call-\(index)")
        }
        rules.append("call ::= " + (calls.isEmpty ? #""""# : calls.joined(separator: " | ")))
        let many = parallel
        let root: String
        switch format.family {
        case .mistral where !format.newerSyntax:
            root = many ? #""[TOOL_CALLS][" call (", " call)* "]""# : #""[TOOL_CALLS][" call "]""#
        case .deepseek:
            root = #""<｜tool▁calls▁begin｜>" "# + (many ? "call+" : "call") + #" "<｜tool▁calls▁end｜>""#
        case .generic:
            root = many ? #""{\"tool_calls\": [" call (", " call)* "]}""# : #""{\"tool_calls\": [" call "]}""#
        case .llama3, .glm4:
            root = "call"
        case .hermes, .qwen3Coder, .glm45:
            root = many ? #"call ("\n" call)*"# : "call"
        case .mistral, .harmony:
            root = many ? "call+" : "call"
        }
        rules.append("root ::= " + root)
        return rules.joined(separator: "\n") + "\n"
    }

    /// The marker that starts a call in the family's output, as a lazy-grammar trigger pattern.
    static func triggerPatterns(_ format: ToolCallFormat) -> [String] {
        let marker: String
        switch format.family {
        case .hermes, .qwen3Coder, .glm45: marker = "<tool_call>"
        case .mistral: marker = "\\[TOOL_CALLS\\]"
        case .deepseek: marker = "<｜tool▁calls▁begin｜>"
        case .harmony: marker = "<\\|channel\\|>commentary to="
        case .llama3: return [#"^\s*(\{"name"[\s\S]*)"#]
        case .generic: return [#"^\s*(\{"tool_calls"[\s\S]*)"#]
        case .glm4: return []
        }
        return ["[\\s\\S]*?(" + marker + "[\\s\\S]*)"]
    }

    /// A function name as a grammar literal (it sits between the JSON string's quotes in the call).
    private static func inner(_ text: String) -> String {
        JSONSchemaGrammar.quote(text)
    }

    private static func prefixed(_ body: String, prefix: String) -> String {
        // Rule references are bare words outside string literals and character classes.
        var result = ""
        var word = ""
        var inString = false
        var inClass = false
        var escaped = false
        func flush() {
            guard !word.isEmpty else { return }
            let isPrimitive = JSONSchemaGrammar.primitives.contains { $0.0 == word }
            let isReference = word.first?.isLetter == true && !isPrimitive
            result += isReference ? prefix + word : word
            word = ""
        }
        for character in body {
            if inString || inClass {
                result.append(character)
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if (inString && character == "\"") || (inClass && character == "]") {
                    inString = false
                    inClass = false
                }
                continue
            }
            if character.isLetter || character.isNumber || character == "-" {
                word.append(character)
                continue
            }
            flush()
            if character == "\"" { inString = true }
            if character == "[" { inClass = true }
            result.append(character)
        }
        flush()
        return result
    }

    /// XML-style parameters (Qwen3-Coder, GLM-4.5): each property in order, optional ones optional, string values
    /// as free text without '<', other values as JSON.
    private static func xmlParameters(_ tool: ToolSpec, open: String, middle: String, close: String) -> String {
        guard case .object(let schema) = tool.parameters, case .object(let properties)? = schema["properties"] else {
            return #""""#
        }
        var required: Set<String> = []
        if case .array(let names)? = schema["required"] {
            for case .string(let name) in names { required.insert(name) }
        }
        var parts: [String] = []
        for key in properties.keys.sorted() {
            let valueRule = xmlValueRule(properties[key])
            let part =
                JSONSchemaGrammar.quote(open + key + middle) + " " + valueRule + " " + JSONSchemaGrammar.quote(close)
            parts.append(required.contains(key) ? part : "(" + part + ")?")
        }
        return parts.isEmpty ? #""""# : parts.joined(separator: " ")
    }

    /// A raw (unquoted) XML parameter value: enum members, bounded free text, or numbers and booleans.
    private static func xmlValueRule(_ schema: JSONValue?) -> String {
        guard case .object(let property)? = schema else { return "[^<]+" }
        if case .array(let options)? = property["enum"] {
            let literals = options.map { option -> String in
                if case .string(let text) = option { return JSONSchemaGrammar.quote(text) }
                return JSONSchemaGrammar.quote(option.compactJSON)
            }
            if !literals.isEmpty { return "(" + literals.joined(separator: " | ") + ")" }
        }
        switch property["type"] {
        case .string("integer")?: return "integer-value"
        case .string("number")?: return "number-value"
        case .string("boolean")?: return #"("true" | "false")"#
        default:
            if case .int(let limit)? = property["maxLength"], limit > 0 { return "[^<]{1,\(limit)}" }
            return "[^<]+"
        }
    }
}
