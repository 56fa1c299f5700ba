import Foundation

/// One lexical token inside a `{{ … }}` or `{% … %}` tag.
struct JinjaToken: Equatable {
    enum Kind: Equatable {
        case name(String)
        case string(String)
        case int(Int)
        case double(Double)
        case op(String)
    }

    var kind: Kind
    var line: Int
    var column: Int
}

/// A piece of template source: literal text, an output tag, or a statement tag.
enum JinjaSegment {
    case text(String)
    case output([JinjaToken], line: Int, column: Int)
    case statement([JinjaToken], line: Int, column: Int)
}

/// Splits template source into segments, applying jinja2's whitespace rules (`-` markers, `+` markers,
/// `trim_blocks` and `lstrip_blocks`) exactly as jinja2's lexer does.
struct JinjaLexer {
    let source: [UInt8]
    let templateName: String
    let trimBlocks: Bool
    let lstripBlocks: Bool
    private var position = 0
    /// Byte offsets where each line starts, for turning offsets into line and column.
    private let lineStarts: [Int]

    init(source: String, templateName: String, trimBlocks: Bool, lstripBlocks: Bool) {
        // jinja2's default keep_trailing_newline=False: one newline at the very end of the source is dropped.
        var bytes = Array(source.utf8)
        if bytes.last == 0x0A {
            bytes.removeLast()
            if bytes.last == 0x0D { bytes.removeLast() }
        }
        self.source = bytes
        self.templateName = templateName
        self.trimBlocks = trimBlocks
        self.lstripBlocks = lstripBlocks
        var starts = [0]
        for (offset, byte) in self.source.enumerated() where byte == 0x0A { starts.append(offset + 1) }
        lineStarts = starts
    }

    /// The line and column just past the end of the source.
    var endLocation: (Int, Int) { location(of: source.count) }

    private func error(_ detail: String, at offset: Int? = nil) -> JinjaError {
        let (line, column) = location(of: offset ?? position)
        return JinjaError(kind: .syntax, templateName: templateName, line: line, column: column, detail: detail)
    }

    func location(of offset: Int) -> (Int, Int) {
        // Binary search for the last line start at or before the offset.
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return (low + 1, offset - lineStarts[low] + 1)
    }

    private static let lbrace = UInt8(ascii: "{")
    private static let percent = UInt8(ascii: "%")
    private static let hash = UInt8(ascii: "#")
    private static let minus = UInt8(ascii: "-")
    private static let plus = UInt8(ascii: "+")

    private func isSpaceOrTab(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
    private func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }

    /// Finds the next tag start at or after `from`.
    private func nextTag(from: Int) -> (offset: Int, kind: UInt8)? {
        var index = from
        while index + 1 < source.count {
            if source[index] == Self.lbrace {
                let next = source[index + 1]
                if next == Self.lbrace || next == Self.percent || next == Self.hash { return (index, next) }
            }
            index += 1
        }
        return nil
    }

    mutating func tokenize() throws(JinjaError) -> [JinjaSegment] {
        var segments: [JinjaSegment] = []
        var text: [UInt8] = []
        var stripLeadingWhitespace = false  // set by a `-` at the end of the previous tag
        var trimNextNewline = false  // set by trim_blocks after a block or comment tag
        var lineStarting = true  // jinja2's `line_starting`: the previous tag's match ended with a newline

        func flushText(into segments: inout [JinjaSegment], _ text: inout [UInt8]) {
            if !text.isEmpty { segments.append(.text(String(decoding: text, as: UTF8.self))) }
            text.removeAll()
        }

        /// Applies the previous tag's trailing whitespace control to the text that follows it.
        func consumeAfterTag(_ text: inout [UInt8]) {
            if stripLeadingWhitespace {
                let kept = text.drop(while: isWhitespace)
                let stripped = text[..<kept.startIndex]
                lineStarting = stripped.last == 0x0A
                text = Array(kept)
            } else if trimNextNewline && text.first == 0x0A {
                text.removeFirst()
                lineStarting = true
            } else if trimNextNewline && text.count >= 2 && text[0] == 0x0D && text[1] == 0x0A {
                text.removeFirst(2)
                lineStarting = true
            }
            stripLeadingWhitespace = false
            trimNextNewline = false
        }

        while position < source.count {
            guard let (tagStart, kind) = nextTag(from: position) else {
                var tail = Array(source[position...])
                consumeAfterTag(&tail)
                text.append(contentsOf: tail)
                position = source.count
                break
            }
            var chunk = Array(source[position..<tagStart])
            consumeAfterTag(&chunk)
            text.append(contentsOf: chunk)

            var cursor = tagStart + 2
            let modifier = cursor < source.count ? source[cursor] : 0
            if modifier == Self.minus || modifier == Self.plus { cursor += 1 }
            if modifier == Self.minus {
                while let last = text.last, isWhitespace(last) { text.removeLast() }
            } else if modifier != Self.plus && lstripBlocks && kind != Self.lbrace {
                // lstrip_blocks: drop spaces and tabs between the start of the line and a block or comment tag.
                let lineBegin = chunk.lastIndex(of: 0x0A).map { $0 + 1 }
                if lineBegin != nil || lineStarting {
                    let begin = text.count - (chunk.count - (lineBegin ?? 0))
                    if text[begin...].allSatisfy(isSpaceOrTab) { text.removeLast(text.count - begin) }
                }
            }
            lineStarting = false

            if kind == Self.hash {
                // A comment ends the data before it: a later `-` marker strips only back to the comment.
                flushText(into: &segments, &text)
                guard let end = find("#}", from: cursor) else { throw error("unterminated comment", at: tagStart) }
                let stripAfter = end > cursor && source[end - 1] == Self.minus
                let keepNewline = end > cursor && source[end - 1] == Self.plus
                position = end + 2
                if stripAfter {
                    stripLeadingWhitespace = true
                } else if trimBlocks && !keepNewline {
                    trimNextNewline = true
                }
                continue
            }

            flushText(into: &segments, &text)
            let (line, column) = location(of: tagStart)
            let closer: [UInt8] = kind == Self.lbrace ? Array("}}".utf8) : Array("%}".utf8)
            var tokens: [JinjaToken] = []
            var closingModifier: UInt8 = 0
            position = cursor
            while true {
                skipWhitespace()
                guard position < source.count else {
                    throw error("unterminated \(kind == Self.lbrace ? "'{{'" : "'{%'") tag", at: tagStart)
                }
                // The closer, optionally preceded by a whitespace-control marker.
                if matches(closer, at: position) {
                    position += 2
                    break
                }
                if (source[position] == Self.minus || source[position] == Self.plus)
                    && matches(closer, at: position + 1)
                {
                    closingModifier = source[position]
                    position += 3
                    break
                }
                tokens.append(try nextToken())
            }
            if closingModifier == Self.minus {
                stripLeadingWhitespace = true
            } else if kind == Self.percent && trimBlocks && closingModifier != Self.plus {
                trimNextNewline = true
            }
            if kind == Self.lbrace {
                segments.append(.output(tokens, line: line, column: column))
                continue
            }
            segments.append(.statement(tokens, line: line, column: column))
            if case .name("raw") = tokens.first?.kind, tokens.count == 1 {
                try readRawBlock(into: &segments, stripLeading: &stripLeadingWhitespace, trimNewline: &trimNextNewline)
            }
        }
        flushText(into: &segments, &text)
        return segments
    }

    /// After `{% raw %}`: everything up to `{% endraw %}` is literal text.
    private mutating func readRawBlock(
        into segments: inout [JinjaSegment], stripLeading: inout Bool, trimNewline: inout Bool
    ) throws(JinjaError) {
        var search = position
        while let (start, kind) = nextTag(from: search) {
            guard kind == Self.percent else {
                search = start + 2
                continue
            }
            var cursor = start + 2
            let modifier = source[cursor]
            if modifier == Self.minus || modifier == Self.plus { cursor += 1 }
            while cursor < source.count && isWhitespace(source[cursor]) { cursor += 1 }
            guard matches(Array("endraw".utf8), at: cursor) else {
                search = start + 2
                continue
            }
            var raw = Array(source[position..<start])
            if stripLeading {
                raw = Array(raw.drop(while: isWhitespace))
            } else if trimNewline, raw.first == 0x0A {
                raw.removeFirst()
            }
            if modifier == Self.minus { while let last = raw.last, isWhitespace(last) { raw.removeLast() } }
            segments.append(.text(String(decoding: raw, as: UTF8.self)))
            guard let end = find("%}", from: cursor) else { throw error("unterminated 'endraw' tag", at: start) }
            stripLeading = source[end - 1] == Self.minus
            trimNewline = !stripLeading && trimBlocks && source[end - 1] != Self.plus
            position = end + 2
            return
        }
        throw error("'raw' block is never closed with 'endraw'")
    }

    private func matches(_ needle: [UInt8], at offset: Int) -> Bool {
        guard offset + needle.count <= source.count else { return false }
        for (index, byte) in needle.enumerated() where source[offset + index] != byte { return false }
        return true
    }

    private func find(_ needle: String, from: Int) -> Int? {
        let bytes = Array(needle.utf8)
        var index = from
        while index + bytes.count <= source.count {
            if matches(bytes, at: index) { return index }
            index += 1
        }
        return nil
    }

    private mutating func skipWhitespace() {
        while position < source.count && isWhitespace(source[position]) { position += 1 }
    }

    private static let operators: [String] = [
        "//", "**", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "(", ")", "[", "]", "{", "}", ",", ".", ":",
        "|", "=", "<", ">",
    ]

    private mutating func nextToken() throws(JinjaError) -> JinjaToken {
        let start = position
        let (line, column) = location(of: start)
        let byte = source[position]
        func token(_ kind: JinjaToken.Kind) -> JinjaToken { JinjaToken(kind: kind, line: line, column: column) }

        if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
            return token(.string(try readString(quote: byte)))
        }
        if isDigit(byte) {
            return token(readNumber())
        }
        if isNameStart(byte) {
            var end = position
            while end < source.count && (isNameStart(source[end]) || isDigit(source[end])) { end += 1 }
            let name = String(decoding: source[position..<end], as: UTF8.self)
            position = end
            return token(.name(name))
        }
        for op in Self.operators where matches(Array(op.utf8), at: position) {
            position += op.utf8.count
            return token(.op(op))
        }
        throw error("unexpected character '\(String(decoding: [byte], as: UTF8.self))'")
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    private func isNameStart(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F || byte >= 0x80
    }

    private mutating func readNumber() -> JinjaToken.Kind {
        var end = position
        var isFloat = false
        while end < source.count && (isDigit(source[end]) || source[end] == UInt8(ascii: "_")) { end += 1 }
        if end + 1 < source.count && source[end] == UInt8(ascii: ".") && isDigit(source[end + 1]) {
            isFloat = true
            end += 1
            while end < source.count && (isDigit(source[end]) || source[end] == UInt8(ascii: "_")) { end += 1 }
        }
        if end < source.count && (source[end] == UInt8(ascii: "e") || source[end] == UInt8(ascii: "E")) {
            var exponent = end + 1
            if exponent < source.count
                && (source[exponent] == UInt8(ascii: "+") || source[exponent] == UInt8(ascii: "-"))
            {
                exponent += 1
            }
            if exponent < source.count && isDigit(source[exponent]) {
                isFloat = true
                end = exponent
                while end < source.count && isDigit(source[end]) { end += 1 }
            }
        }
        let text = String(decoding: source[position..<end], as: UTF8.self).replacingOccurrences(of: "_", with: "")
        position = end
        if isFloat { return .double(Double(text) ?? 0) }
        return Int(text).map { .int($0) } ?? .double(Double(text) ?? 0)
    }

    /// A Python string literal, with its escapes.
    private mutating func readString(quote: UInt8) throws(JinjaError) -> String {
        let start = position
        position += 1
        var bytes: [UInt8] = []
        while position < source.count {
            let byte = source[position]
            if byte == quote {
                position += 1
                return String(decoding: bytes, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") && position + 1 < source.count {
                let next = source[position + 1]
                position += 2
                switch next {
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "0"): bytes.append(0)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "v"): bytes.append(0x0B)
                case UInt8(ascii: "a"): bytes.append(0x07)
                case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): bytes.append(next)
                case 0x0A: break  // line continuation
                case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
                    let length = next == UInt8(ascii: "x") ? 2 : next == UInt8(ascii: "u") ? 4 : 8
                    guard position + length <= source.count,
                        let code = UInt32(
                            String(decoding: source[position..<(position + length)], as: UTF8.self), radix: 16),
                        let scalar = Unicode.Scalar(code)
                    else { throw error("invalid escape in string literal", at: position - 2) }
                    bytes.append(contentsOf: Array(String(Character(scalar)).utf8))
                    position += length
                default:
                    bytes.append(UInt8(ascii: "\\"))
                    bytes.append(next)
                }
                continue
            }
            bytes.append(byte)
            position += 1
        }
        throw error("unterminated string literal", at: start)
    }
}
