import EmergentJinja
import Foundation

/// gpt-oss's harmony format: messages with a header (`<|channel|>analysis`, `to=functions.NAME`, …) and a body
/// after `<|message|>`, ended by `<|end|>`, `<|call|>` or `<|return|>`.
///
/// The analysis channel is reasoning, the final channel (or a body without a recipient) is content, and a body
/// addressed `to=functions.NAME` is a tool call whose body is the JSON arguments.
struct HarmonyParser: ToolCallStreamParser {
    private let toolNames: Set<String>
    private var ids: ToolCallIDs
    private var pending = ""
    private var header: String?  // nil while reading a body
    private var recipient: String?
    private var channel = ""
    private var callIndex = 0
    private var sawMarkup = false

    private static let terminators = ["<|end|>", "<|call|>", "<|return|>"]
    private static let markers = ["<|start|>", "<|channel|>", "<|message|>", "<|constrain|>"] + terminators

    init(toolNames: [String], ids: ToolCallIDs) {
        self.toolNames = Set(toolNames)
        self.ids = ids
        header = ""
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
            if header != nil {
                // Reading a header: up to <|message|>.
                if let range = pending.range(of: "<|message|>") {
                    let text = (header ?? "") + String(pending[..<range.lowerBound])
                    pending = String(pending[range.upperBound...])
                    sawMarkup = true
                    readHeader(text)
                    header = nil
                    continue
                }
                if !sawMarkup && !pending.hasPrefix("<") && !pending.isEmpty && !"<|channel|>".hasPrefix(pending) {
                    // Plain text without harmony markup: treat the whole reply as content.
                    if !pending.contains("<|") || final {
                        events.append(.content(pending))
                        pending = ""
                        header = nil
                        channel = "final"
                        recipient = nil
                        sawMarkup = true
                        if final { return events }
                        continue
                    }
                }
                if final {
                    if !pending.isEmpty || !(header ?? "").isEmpty {
                        let text = (header ?? "") + pending
                        if !text.trimmingWhitespace.isEmpty && text != "<|start|>assistant" {
                            events.append(.malformed(text: text, reason: "a harmony message header was not finished"))
                        }
                    }
                    pending = ""
                    return events
                }
                return events
            }
            // Reading a body: up to a terminator.
            if let (index, marker) = earliestMarker(Self.terminators, in: pending) {
                let text = String(pending[..<index])
                pending = String(pending[pending.index(index, offsetBy: marker.count)...])
                events += finishBody(text, complete: true)
                header = ""
                continue
            }
            if final {
                events += finishBody(pending, complete: recipient == nil)
                pending = ""
                return events
            }
            // Stream reasoning and content at once; hold back a possible terminator.
            if recipient == nil {
                let held = heldSuffixLength(pending, markers: Self.terminators)
                let emitEnd = pending.index(pending.endIndex, offsetBy: -held)
                let text = String(pending[..<emitEnd])
                if !text.isEmpty { events.append(channel == "analysis" ? .reasoning(text) : .content(text)) }
                pending = String(pending[emitEnd...])
            }
            // A call's arguments wait in `pending` until their terminator arrives.
            return events
        }
    }

    private mutating func readHeader(_ text: String) {
        var text = text
        if let start = text.range(of: "<|start|>") { text = String(text[start.upperBound...]) }
        recipient = nil
        channel = ""
        for word in text.replacingOccurrences(of: "<|channel|>", with: " <|channel|>").split(separator: " ") {
            if word.hasPrefix("to=") { recipient = String(word.dropFirst(3)) }
            if word.hasPrefix("<|channel|>") { channel = String(word.dropFirst("<|channel|>".count)) }
        }
    }

    private mutating func finishBody(_ text: String, complete: Bool) -> [OutputEvent] {
        guard let recipient else {
            // Streamed already except for this last piece.
            guard !text.isEmpty else { return [] }
            return [channel == "analysis" ? .reasoning(text) : .content(text)]
        }
        let raw = text
        let name = recipient.hasPrefix("functions.") ? String(recipient.dropFirst("functions.".count)) : recipient
        guard complete || !raw.isEmpty, let arguments = ArgumentsJSON.normalizedObject(raw) else {
            return [.malformed(text: raw, reason: "the arguments of the call to '\(name)' are not a JSON object")]
        }
        if !toolNames.isEmpty && !toolNames.contains(name) {
            return [.malformed(text: raw, reason: "the model called '\(name)', which is not one of the offered tools")]
        }
        defer { callIndex += 1 }
        return [
            .toolCallStart(index: callIndex, id: ids.next(), name: name),
            .toolCallArguments(index: callIndex, fragment: arguments),
        ]
    }
}
