import EmergentJinja
import Foundation

extension ToolCallFormat {
    typealias Call = (name: String, arguments: JinjaValue, id: String?)

    /// `{"name": …, "arguments"|"parameters": {…}}` as one call.
    static func jsonCall(_ value: JinjaValue) -> Call? {
        guard case .dict(let object) = value, case .string(let name)? = object["name"] else { return nil }
        var arguments = object["arguments"] ?? object["parameters"] ?? .dict(JinjaDict())
        if case .string(let text) = arguments, let parsed = try? JinjaJSON.parse(text) { arguments = parsed }
        guard case .dict = arguments else { return nil }
        var id: String?
        if case .string(let text)? = object["id"] { id = text }
        return (name, arguments, id)
    }

    static func parseJSON(_ text: String) -> JinjaValue? { try? JinjaJSON.parse(text.trimmingWhitespace) }

    /// Hermes, Qwen2.5, Qwen3: `<tool_call>\n{"name": …, "arguments": {…}}\n</tool_call>`.
    public static let hermes = ToolCallFormat(
        family: .hermes, reasoning: nil,
        blocks: [
            Block(start: "<tool_call>", end: "</tool_call>") { body in
                guard let value = parseJSON(body), let call = jsonCall(value) else { return nil }
                return [call]
            }
        ])

    /// Qwen3-Coder: `<tool_call>\n<function=NAME>\n<parameter=KEY>\nVALUE\n</parameter>\n</function>\n</tool_call>`.
    public static let qwen3Coder = ToolCallFormat(
        family: .qwen3Coder, reasoning: nil,
        blocks: [
            Block(start: "<tool_call>", end: "</tool_call>") { body in
                guard let nameStart = body.range(of: "<function="),
                    let nameEnd = body[nameStart.upperBound...].firstIndex(of: ">"),
                    body.contains("</function>")
                else { return nil }
                let name = String(body[nameStart.upperBound..<nameEnd])
                var arguments = JinjaDict()
                var rest = body[nameEnd...]
                while let open = rest.range(of: "<parameter=") {
                    guard let keyEnd = rest[open.upperBound...].firstIndex(of: ">"),
                        let close = rest[keyEnd...].range(of: "</parameter>")
                    else { return nil }
                    var value = String(rest[rest.index(after: keyEnd)..<close.lowerBound])
                    if value.hasPrefix("\n") { value.removeFirst() }
                    if value.hasSuffix("\n") { value.removeLast() }
                    arguments[String(rest[open.upperBound..<keyEnd])] = JinjaValue.string(value)
                    rest = rest[close.upperBound...]
                }
                return [(name, .dict(arguments), nil)]
            }
        ])

    /// GLM-4.5/4.6/4.7: `<tool_call>NAME\n<arg_key>K</arg_key>\n<arg_value>V</arg_value>\n</tool_call>`.
    public static let glm45 = ToolCallFormat(
        family: .glm45, reasoning: ("<think>", "</think>"),
        blocks: [
            Block(start: "<tool_call>", end: "</tool_call>") { body in
                let headEnd = body.range(of: "<arg_key>")?.lowerBound ?? body.endIndex
                let name = String(body[..<headEnd]).trimmingWhitespace
                guard !name.isEmpty, !name.contains("<"), !name.contains("{") else { return nil }
                var arguments = JinjaDict()
                var rest = body[headEnd...]
                while let keyOpen = rest.range(of: "<arg_key>") {
                    guard let keyClose = rest.range(of: "</arg_key>", range: keyOpen.upperBound..<rest.endIndex),
                        let valueOpen = rest.range(of: "<arg_value>", range: keyClose.upperBound..<rest.endIndex),
                        let valueClose = rest.range(of: "</arg_value>", range: valueOpen.upperBound..<rest.endIndex)
                    else { return nil }
                    let key = String(rest[keyOpen.upperBound..<keyClose.lowerBound])
                    arguments[key] = JinjaValue.string(
                        String(rest[valueOpen.upperBound..<valueClose.lowerBound]))
                    rest = rest[valueClose.upperBound...]
                }
                guard rest.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
                return [(name, .dict(arguments), nil)]
            }
        ])

    /// GLM-4-9B-chat: the function name alone on the first line, then its JSON arguments.
    public static let glm4 = ToolCallFormat(
        family: .glm4, reasoning: nil,
        blocks: [
            Block(start: "", end: nil, onlyAtStart: true) { body in
                guard let newline = body.firstIndex(of: "\n") else { return nil }
                let name = String(body[..<newline]).trimmingWhitespace
                guard !name.isEmpty, !name.contains(" "), let arguments = parseJSON(String(body[newline...])),
                    case .dict = arguments
                else { return nil }
                return [(name, arguments, nil)]
            }
        ])

    /// Llama 3.x: `<|python_tag|>` then a call, or a bare `{"name": …, "parameters": …}` reply.
    public static let llama3 = ToolCallFormat(
        family: .llama3, reasoning: nil,
        blocks: [
            Block(start: "<|python_tag|>", end: nil) { body in llamaCalls(body) },
            Block(
                start: "{", end: nil, onlyAtStart: true, startIsBody: true, fallbackToContent: true,
                claimsCall: {
                    $0.contains("\"name\"") && ($0.contains("\"parameters\"") || $0.contains("\"arguments\""))
                }
            ) { body in
                llamaCalls(body)
            },
        ])

    static func llamaCalls(_ body: String) -> [Call]? {
        let trimmed = body.trimmingWhitespace
        // Several calls may be separated by ';'.
        var calls: [Call] = []
        for part in splitTopLevel(trimmed, separator: ";") {
            if let value = parseJSON(part), let call = jsonCall(value) {
                calls.append(call)
            } else if let call = pythonicCall(part) {
                calls.append(call)
            } else {
                return nil
            }
        }
        return calls.isEmpty ? nil : calls
    }

    /// Llama's built-in tools: `brave_search.call(query="…")`.
    static func pythonicCall(_ text: String) -> Call? {
        let trimmed = text.trimmingWhitespace
        guard let open = trimmed.firstIndex(of: "("), trimmed.hasSuffix(")") else { return nil }
        var name = String(trimmed[..<open])
        if name.hasSuffix(".call") { name.removeLast(5) }
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else {
            return nil
        }
        var arguments = JinjaDict()
        let inner = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        for pair in splitTopLevel(inner, separator: ",") where !pair.trimmingWhitespace.isEmpty {
            guard let equals = pair.firstIndex(of: "=") else { return nil }
            let key = String(pair[..<equals]).trimmingWhitespace
            let raw = String(pair[pair.index(after: equals)...]).trimmingWhitespace
            guard let value = parseJSON(raw) ?? pythonLiteral(raw) else { return nil }
            arguments[key] = value
        }
        return (name, .dict(arguments), nil)
    }

    static func pythonLiteral(_ text: String) -> JinjaValue? {
        if text.count >= 2, text.hasPrefix("'"), text.hasSuffix("'") {
            return .string(String(text.dropFirst().dropLast()))
        }
        switch text {
        case "True": return .bool(true)
        case "False": return .bool(false)
        case "None": return JinjaValue.none
        default: return nil
        }
    }

    /// Splits on `separator` outside strings, brackets and braces.
    static func splitTopLevel(_ text: String, separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        var quote: Character?
        var escaped = false
        for character in text {
            if let open = quote {
                current.append(character)
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == open {
                    quote = nil
                }
                continue
            }
            switch character {
            case "\"", "'": quote = character
            case "{", "[", "(": depth += 1
            case "}", "]", ")": depth -= 1
            default: break
            }
            if character == separator && depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.trimmingWhitespace.isEmpty || parts.isEmpty { parts.append(current) }
        return parts
    }

    /// Mistral: `[TOOL_CALLS][{"name": …, "arguments": {…}, "id": …}]` (v3) or `[TOOL_CALLS]NAME[ARGS]{…}` (v11+),
    /// the latter repeated for parallel calls.
    public static let mistral = ToolCallFormat(
        family: .mistral, reasoning: nil,
        blocks: [
            Block(start: "[TOOL_CALLS]", end: nil) { body in
                let trimmed = body.trimmingWhitespace
                if trimmed.hasPrefix("[") {
                    guard case .list(let items)? = parseJSON(trimmed) else { return nil }
                    let calls = items.compactMap(jsonCall)
                    return calls.count == items.count && !calls.isEmpty ? calls : nil
                }
                var calls: [Call] = []
                for part in trimmed.components(separatedBy: "[TOOL_CALLS]") where !part.trimmingWhitespace.isEmpty {
                    guard let marker = part.range(of: "[ARGS]") else { return nil }
                    var name = String(part[..<marker.lowerBound]).trimmingWhitespace
                    var id: String?
                    if let callID = name.range(of: "[CALL_ID]") {
                        id = String(name[callID.upperBound...])
                        name = String(name[..<callID.lowerBound])
                    }
                    guard !name.isEmpty, let arguments = parseJSON(String(part[marker.upperBound...])),
                        case .dict = arguments
                    else {
                        return nil
                    }
                    calls.append((name, arguments, id))
                }
                return calls.isEmpty ? nil : calls
            }
        ])

    /// DeepSeek R1 (`function<｜tool▁sep｜>NAME\n```json\n{…}\n```") and V3.1 (`NAME<｜tool▁sep｜>{…}`).
    public static let deepseek = ToolCallFormat(
        family: .deepseek, reasoning: ("<think>", "</think>"),
        blocks: [
            Block(start: "<｜tool▁calls▁begin｜>", end: "<｜tool▁calls▁end｜>") { body in
                var calls: [Call] = []
                for part in body.components(separatedBy: "<｜tool▁call▁begin｜>").dropFirst() {
                    guard let end = part.range(of: "<｜tool▁call▁end｜>"), let separator = part.range(of: "<｜tool▁sep｜>")
                    else {
                        return nil
                    }
                    let head = String(part[..<separator.lowerBound]).trimmingWhitespace
                    var tail = String(part[separator.upperBound..<end.lowerBound])
                    var name = head
                    if head == "function", let newline = tail.firstIndex(of: "\n") {
                        name = String(tail[..<newline]).trimmingWhitespace
                        tail = String(tail[newline...])
                    }
                    var json = tail.trimmingWhitespace
                    if json.hasPrefix("```") {
                        json = String(json.drop(while: { $0 != "\n" }))
                        if json.hasSuffix("```") { json.removeLast(3) }
                    }
                    guard !name.isEmpty, let arguments = parseJSON(json), case .dict = arguments else { return nil }
                    calls.append((name, arguments, nil))
                }
                return calls.isEmpty ? nil : calls
            }
        ])

    /// No native format: a reply that is exactly `{"tool_calls": [{"name": …, "arguments": {…}}]}` or
    /// `{"tool_call": {…}}`; anything else is content.
    public static let generic = ToolCallFormat(
        family: .generic, reasoning: nil,
        blocks: [
            Block(
                start: "{", end: nil, onlyAtStart: true, startIsBody: true, fallbackToContent: true,
                claimsCall: { $0.contains("\"tool_calls\"") || $0.contains("\"tool_call\"") }
            ) { body in
                guard case .dict(let object)? = parseJSON(body) else {
                    // Cut off (by max_tokens) inside the array: keep the calls that were completed.
                    let calls = completeArrayItems(of: "\"tool_calls\"", in: body).compactMap { parseJSON($0) }
                        .compactMap(jsonCall)
                    return calls.isEmpty ? nil : calls
                }
                if case .list(let items)? = object["tool_calls"] {
                    let calls = items.compactMap(jsonCall)
                    return calls.count == items.count && !calls.isEmpty ? calls : nil
                }
                if let single = object["tool_call"], let call = jsonCall(single) { return [call] }
                return nil
            }
        ])
}

/// The complete `{…}` items of the JSON array that follows `key` in `text`, even when the array (or the text) is cut
/// off before its end.
func completeArrayItems(of key: String, in text: String) -> [String] {
    guard let keyRange = text.range(of: key), let open = text[keyRange.upperBound...].firstIndex(of: "[") else {
        return []
    }
    var items: [String] = []
    var depth = 0
    var inString = false
    var escaped = false
    var start: String.Index?
    var index = text.index(after: open)
    while index < text.endIndex {
        let character = text[index]
        if inString {
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                inString = false
            }
        } else if character == "\"" {
            inString = true
        } else if character == "{" {
            if depth == 0 { start = index }
            depth += 1
        } else if character == "}" {
            depth -= 1
            if depth == 0, let first = start { items.append(String(text[first...index])) }
        } else if character == "]" && depth == 0 {
            break
        }
        index = text.index(after: index)
    }
    return items
}
