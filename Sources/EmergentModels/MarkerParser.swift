import EmergentCore
import EmergentJinja
import Foundation

/// The streaming parser for families whose reasoning and tool calls sit between text markers.
///
/// Content streams at once, except a tail that could be the start of a marker, which waits until it can be told
/// apart. A tool-call block is read when it closes (or when the reply ends, for blocks that run to the end);
/// its calls are emitted name first, then arguments. A block that cannot be read is emitted as content with a
/// `malformed` event, never dropped.
struct MarkerParser: ToolCallStreamParser {
    private let format: ToolCallFormat
    private let toolNames: Set<String>
    private var ids: ToolCallIDs
    private var pending = ""
    private var state: State
    private var emittedNonSpace = false
    private var callIndex = 0
    private let schemas: [String: JSONValue]

    private enum State {
        case content
        case reasoning
        case block(ToolCallFormat.Block, body: String)
    }

    init(
        format: ToolCallFormat, toolNames: Set<String>, startsInReasoning: Bool, ids: ToolCallIDs,
        schemas: [String: JSONValue] = [:]
    ) {
        self.schemas = schemas
        self.format = format
        self.toolNames = toolNames
        self.ids = ids
        state = startsInReasoning && format.reasoning != nil ? .reasoning : .content
    }

    mutating func feed(_ text: String) -> [OutputEvent] {
        pending += text
        return process(final: false)
    }

    mutating func finish() -> [OutputEvent] {
        process(final: true)
    }

    private mutating func process(final: Bool) -> [OutputEvent] {
        var events: [OutputEvent] = []
        while true {
            switch state {
            case .content:
                if !emittedNonSpace, let leading = leadingBlock(final: final) {
                    switch leading {
                    case .wait: return events
                    case .start(let block):
                        let trimmed = pending.drop(while: \.isWhitespace)
                        state = .block(
                            block,
                            body: block.startIsBody ? String(trimmed) : String(trimmed.dropFirst(block.start.count)))
                        pending = ""
                        continue
                    }
                }
                let starters = contentStarters
                if let (index, marker) = earliestMarker(starters, in: pending) {
                    emitContent(String(pending[..<index]), into: &events)
                    pending = String(pending[pending.index(index, offsetBy: marker.count)...])
                    if let reasoning = format.reasoning, marker == reasoning.start {
                        state = .reasoning
                    } else if let block = format.blocks.first(where: { !$0.onlyAtStart && $0.start == marker }) {
                        state = .block(block, body: "")
                    }
                    continue
                }
                let held = final ? 0 : heldSuffixLength(pending, markers: starters)
                let emitEnd = pending.index(pending.endIndex, offsetBy: -held)
                emitContent(String(pending[..<emitEnd]), into: &events)
                pending = String(pending[emitEnd...])
                return events

            case .reasoning:
                guard let end = format.reasoning?.end else {
                    state = .content
                    continue
                }
                if let range = pending.range(of: end) {
                    let text = String(pending[..<range.lowerBound])
                    if !text.isEmpty { events.append(.reasoning(text)) }
                    pending = String(pending[range.upperBound...])
                    state = .content
                    continue
                }
                let held = final ? 0 : heldSuffixLength(pending, markers: [end])
                let emitEnd = pending.index(pending.endIndex, offsetBy: -held)
                let text = String(pending[..<emitEnd])
                if !text.isEmpty { events.append(.reasoning(text)) }
                pending = String(pending[emitEnd...])
                return events

            case .block(let block, var body):
                body += pending
                pending = ""
                if let end = block.end, let range = body.range(of: end) {
                    pending = String(body[range.upperBound...])
                    events += finishBlock(block, body: String(body[..<range.lowerBound]), closed: true)
                    state = .content
                    continue
                }
                if final {
                    events += finishBlock(block, body: body, closed: false)
                    state = .content
                    return events
                }
                state = .block(block, body: body)
                return events
            }
        }
    }

    private enum Leading {
        case wait
        case start(ToolCallFormat.Block)
    }

    /// Blocks that only count at the very start of the reply (a bare JSON call, GLM-4's name line).
    private func leadingBlock(final: Bool) -> Leading? {
        let candidates = format.blocks.filter(\.onlyAtStart)
        guard !candidates.isEmpty else { return nil }
        let trimmed = pending.drop(while: \.isWhitespace)
        if trimmed.isEmpty { return final ? nil : .wait }
        for block in candidates {
            if block.start.isEmpty {
                // GLM-4: a first line that is a bare identifier may be a function name.
                guard let newline = trimmed.firstIndex(of: "\n") else {
                    let looksLikeName = trimmed.allSatisfy {
                        $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "."
                    }
                    return looksLikeName && !final ? .wait : nil
                }
                let name = String(trimmed[..<newline])
                if toolNames.isEmpty ? !name.contains(" ") && !name.isEmpty : toolNames.contains(name) {
                    return .start(block)
                }
                continue
            }
            if trimmed.hasPrefix(block.start) { return .start(block) }
            if block.start.hasPrefix(trimmed) && !final { return .wait }
        }
        return nil
    }

    private var contentStarters: [String] {
        var markers = format.blocks.filter { !$0.onlyAtStart }.map(\.start)
        if let reasoning = format.reasoning { markers.append(reasoning.start) }
        return markers
    }

    private mutating func emitContent(_ text: String, into events: inout [OutputEvent]) {
        guard !text.isEmpty else { return }
        if text.contains(where: { !$0.isWhitespace }) { emittedNonSpace = true }
        events.append(.content(text))
    }

    private mutating func finishBlock(_ block: ToolCallFormat.Block, body: String, closed: Bool) -> [OutputEvent] {
        let raw = (block.startIsBody ? "" : block.start) + body + (closed ? block.end ?? "" : "")
        if block.end != nil && !closed {
            return [.malformed(text: raw, reason: "the tool call was not closed with \(block.end ?? "")")]
        }
        guard let calls = block.parse(body) else {
            // GLM-4's name line is only a call when the name is an offered tool; with no tools, it is just text.
            let lenient = block.fallbackToContent || (block.start.isEmpty && toolNames.isEmpty)
            if lenient && block.claimsCall?(body) != true {
                emittedNonSpace = true
                return [.content(raw)]
            }
            return [.malformed(text: raw, reason: "the \(format.family.rawValue) tool call could not be parsed")]
        }
        if !toolNames.isEmpty, let unknown = calls.first(where: { !toolNames.contains($0.name) }) {
            return [
                .malformed(
                    text: raw, reason: "the model called '\(unknown.name)', which is not one of the offered tools")
            ]
        }
        var events: [OutputEvent] = []
        for call in calls {
            let typed =
                format.rawArgumentValues ? Self.typed(call.arguments, schema: schemas[call.name]) : call.arguments
            guard let arguments = ArgumentsJSON.compact(typed) else {
                return [.malformed(text: raw, reason: "the arguments of '\(call.name)' are not JSON")]
            }
            events.append(.toolCallStart(index: callIndex, id: call.id ?? ids.next(), name: call.name))
            events.append(.toolCallArguments(index: callIndex, fragment: arguments))
            callIndex += 1
        }
        return events
    }
}

extension MarkerParser {
    /// Types raw text values: by the parameter's schema when it has one (`string` parameters stay text), otherwise
    /// as JSON when the text reads as JSON.
    static func typed(_ arguments: JinjaValue, schema: JSONValue?) -> JinjaValue {
        guard case .dict(let values) = arguments else { return arguments }
        var properties = JSONObject()
        if case .object(let object)? = schema, case .object(let declared)? = object["properties"] {
            properties = declared
        }
        var typed = JinjaDict()
        for pair in values.pairs {
            guard case .string(let key) = pair.key else { continue }
            guard case .string(let text) = pair.value else {
                typed[key] = pair.value
                continue
            }
            if case .object(let property)? = properties[key], Self.isTextual(property) {
                typed[key] = .string(text)
            } else {
                typed[key] = ArgumentsJSON.parameterValue(text)
            }
        }
        return .dict(typed)
    }

    private static func isTextual(_ property: JSONObject) -> Bool {
        if case .string("string")? = property["type"] { return true }
        if case .array(let options)? = property["enum"] {
            return options.allSatisfy { if case .string = $0 { true } else { false } }
        }
        return false
    }
}

/// The earliest occurrence of any marker in `text`.
func earliestMarker(_ markers: [String], in text: String) -> (String.Index, String)? {
    var best: (String.Index, String)?
    for marker in markers where !marker.isEmpty {
        if let range = text.range(of: marker), range.lowerBound < (best?.0 ?? text.endIndex) || best == nil {
            best = (range.lowerBound, marker)
        }
    }
    return best
}

/// How many characters at the end of `text` could be the beginning of one of `markers`.
func heldSuffixLength(_ text: String, markers: [String]) -> Int {
    var longest = 0
    for marker in markers where !marker.isEmpty {
        var length = min(marker.count - 1, text.count)
        while length > longest {
            if marker.hasPrefix(text.suffix(length)) {
                longest = length
                break
            }
            length -= 1
        }
    }
    return longest
}
