/// Parses JSON text into `JSONValue`, keeping object key order and the difference between integers and
/// floating-point numbers, and reporting errors by line and column.
public struct JSONParser {
    /// Nesting deeper than this is refused, so hostile input cannot exhaust the stack.
    public static let maxDepth = 512

    /// Parses one JSON value that must make up the whole text.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    /// Parses one JSON value from UTF-8 bytes that must make up the whole input.
    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    private let bytes: [UInt8]
    private var position = 0

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func error(_ detail: String) -> JSONParseError {
        var line = 1
        var column = 1
        for byte in bytes[..<min(position, bytes.count)] {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return JSONParseError(offset: position, line: line, column: column, detail: detail)
    }

    private mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    private mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard position < bytes.count else { throw error("unexpected end of input") }
        guard depth < Self.maxDepth else { throw error("nested more than \(Self.maxDepth) levels deep") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            position += 1
            var object = JSONObject()
            skipWhitespace()
            if accept("}") { return .object(object) }
            while true {
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                    throw error("expected a string key in double quotes")
                }
                let key = try string()
                skipWhitespace()
                try expect(":")
                object[key] = try value(depth: depth + 1)
                skipWhitespace()
                if accept("}") { return .object(object) }
                try expect(",", orClosing: "}")
            }
        case UInt8(ascii: "["):
            position += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if accept("]") { return .array(items) }
            while true {
                items.append(try value(depth: depth + 1))
                skipWhitespace()
                if accept("]") { return .array(items) }
                try expect(",", orClosing: "]")
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try number()
        default:
            throw error("unexpected character '\(Character(Unicode.Scalar(bytes[position])))'")
        }
    }

    private mutating func accept(_ character: Character) -> Bool {
        guard position < bytes.count, bytes[position] == character.asciiValue else { return false }
        position += 1
        return true
    }

    private mutating func expect(_ character: Character, orClosing closing: Character? = nil) throws(JSONParseError) {
        guard accept(character) else {
            let wanted = closing.map { "'\(character)' or '\($0)'" } ?? "'\(character)'"
            throw error(position < bytes.count ? "expected \(wanted)" : "unexpected end of input, expected \(wanted)")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        let matches = word.withUTF8Buffer { expected in
            position + count <= bytes.count && zip(bytes[position..<(position + count)], expected).allSatisfy(==)
        }
        guard matches else { throw error("expected '\(word)'") }
        position += count
    }

    private mutating func number() throws(JSONParseError) -> JSONValue {
        let start = position
        var isInteger = true
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        func digits() -> Int {
            let first = position
            while position < bytes.count, (0x30...0x39).contains(bytes[position]) { position += 1 }
            return position - first
        }
        let integerStart = position
        let integerDigits = digits()
        guard integerDigits > 0 else { throw error("expected a digit") }
        if integerDigits > 1 && bytes[integerStart] == UInt8(ascii: "0") {
            position = integerStart + 1
            throw error("numbers may not have leading zeros")
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard digits() > 0 else { throw error("expected a digit after the decimal point") }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard digits() > 0 else { throw error("expected a digit in the exponent") }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if isInteger, let integer = Int(text) { return .int(integer) }
        guard let double = Double(text) else { throw error("invalid number '\(text)'") }
        return .double(double)
    }

    private mutating func string() throws(JSONParseError) -> String {
        position += 1
        var result = ""
        var chunkStart = position
        var pendingHigh: UInt32?
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                result += String(decoding: bytes[chunkStart..<position], as: UTF8.self)
                position += 1
                return result
            }
            if byte < 0x20 { throw error("control character in a string (escape it, e.g. \\n)") }
            guard byte == UInt8(ascii: "\\") else {
                position += 1
                continue
            }
            result += String(decoding: bytes[chunkStart..<position], as: UTF8.self)
            guard position + 1 < bytes.count else { throw error("unterminated escape") }
            let escape = bytes[position + 1]
            position += 2
            if escape != UInt8(ascii: "u"), pendingHigh != nil {
                result.unicodeScalars.append("\u{FFFD}")
                pendingHigh = nil
            }
            switch escape {
            case UInt8(ascii: "n"): result += "\n"
            case UInt8(ascii: "t"): result += "\t"
            case UInt8(ascii: "r"): result += "\r"
            case UInt8(ascii: "b"): result += "\u{08}"
            case UInt8(ascii: "f"): result += "\u{0C}"
            case UInt8(ascii: "/"): result += "/"
            case UInt8(ascii: "\\"): result += "\\"
            case UInt8(ascii: "\""): result += "\""
            case UInt8(ascii: "u"):
                guard position + 4 <= bytes.count,
                    let code = UInt32(String(decoding: bytes[position..<(position + 4)], as: UTF8.self), radix: 16)
                else { throw error("invalid \\u escape (expected four hex digits)") }
                position += 4
                if (0xD800...0xDBFF).contains(code) {
                    if pendingHigh != nil { result.unicodeScalars.append("\u{FFFD}") }
                    pendingHigh = code
                } else if (0xDC00...0xDFFF).contains(code), let high = pendingHigh {
                    let combined = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)
                    result.unicodeScalars.append(Unicode.Scalar(combined) ?? "\u{FFFD}")
                    pendingHigh = nil
                } else {
                    if pendingHigh != nil { result.unicodeScalars.append("\u{FFFD}") }
                    pendingHigh = nil
                    result.unicodeScalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                }
            default: throw error("invalid escape '\\\(Character(Unicode.Scalar(escape)))'")
            }
            chunkStart = position
        }
        throw error("unterminated string")
    }
}

/// JSON text that could not be parsed, with where and why.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Byte offset of the problem.
    public var offset: Int
    public var line: Int
    public var column: Int
    public var detail: String

    public var description: String { "invalid JSON at line \(line), column \(column): \(detail)" }
}
