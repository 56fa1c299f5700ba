/// One server-sent event: its type (`event:`, or `error` for llama-server's `error:` lines) and its data lines.
struct ServerSentEvent: Sendable, Hashable {
    var name: String?
    var data: String
}

/// Reads a `text/event-stream` body that arrives in arbitrary pieces.
///
/// Network chunks split lines, and even UTF-8 sequences, anywhere; bytes are held until their line ends, so text is
/// decoded only from whole lines. Lines end in LF, CRLF or CR; a blank line ends an event; `:` starts a comment.
struct ServerSentEventParser {
    private var line: [UInt8] = []
    private var dataLines: [String] = []
    private var name: String?
    private var afterCR = false

    mutating func feed(_ bytes: some Sequence<UInt8>) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\n") where afterCR:
                afterCR = false
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                afterCR = byte == UInt8(ascii: "\r")
                if let event = endLine() { events.append(event) }
            default:
                afterCR = false
                line.append(byte)
            }
        }
        return events
    }

    /// The event still pending when the body ends without its closing blank line.
    mutating func finish() -> ServerSentEvent? {
        if !line.isEmpty { _ = endLine() }
        return dispatch()
    }

    private mutating func endLine() -> ServerSentEvent? {
        defer { line.removeAll(keepingCapacity: true) }
        guard let first = line.first else { return dispatch() }
        if first == UInt8(ascii: ":") { return nil }
        let text = String(decoding: line, as: UTF8.self)
        let field: Substring
        var value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            value = text[text.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
        } else {
            field = text[...]
            value = ""
        }
        switch field {
        case "data":
            dataLines.append(String(value))
        case "event":
            name = String(value)
        case "error":
            name = "error"
            dataLines.append(String(value))
        default:
            break  // `id`, `retry` and unknown fields do not matter here.
        }
        return nil
    }

    private mutating func dispatch() -> ServerSentEvent? {
        defer {
            dataLines.removeAll()
            name = nil
        }
        guard !dataLines.isEmpty else { return nil }
        return ServerSentEvent(name: name, data: dataLines.joined(separator: "\n"))
    }
}
