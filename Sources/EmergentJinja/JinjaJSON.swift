import Foundation

/// JSON in and out with Python's conventions: `json.dumps` (as transformers' `tojson` calls it) and an
/// order-preserving parser, since Python dicts, and so rendered prompts, keep key order.
public enum JinjaJSON {
    /// `json.dumps(value, ensure_ascii=…, indent=…, separators=…, sort_keys=…)`, byte for byte.
    public static func dumps(
        _ value: JinjaValue, indent: Int? = nil, separators: (String, String)? = nil, sortKeys: Bool = false,
        ensureASCII: Bool = false
    ) throws(JinjaFailure) -> String {
        let (itemSeparator, keySeparator) = separators ?? (indent == nil ? (", ", ": ") : (",", ": "))
        var output = ""
        func write(_ value: JinjaValue, level: Int) throws(JinjaFailure) {
            func newline(_ depth: Int) {
                guard let indent else { return }
                output += "\n" + String(repeating: " ", count: indent * depth)
            }
            switch value {
            case .none: output += "null"
            case .bool(let flag): output += flag ? "true" : "false"
            case .int(let number): output += String(number)
            case .double(let number):
                output +=
                    number.isNaN
                    ? "NaN"
                    : number.isInfinite ? (number < 0 ? "-Infinity" : "Infinity") : JinjaFormat.pythonFloat(number)
            case .string(let text), .markup(let text): output += quote(text, ensureASCII: ensureASCII)
            case .list(let items), .tuple(let items):
                if items.isEmpty {
                    output += "[]"
                    return
                }
                output += "["
                for (index, item) in items.enumerated() {
                    if index > 0 { output += itemSeparator }
                    newline(level + 1)
                    try write(item, level: level + 1)
                }
                newline(level)
                output += "]"
            case .dict(let dict):
                if dict.isEmpty {
                    output += "{}"
                    return
                }
                var pairs = dict.pairs
                if sortKeys {
                    pairs.sort {
                        keyString($0.key).unicodeScalars.lexicographicallyPrecedes(keyString($1.key).unicodeScalars)
                    }
                }
                output += "{"
                for (index, pair) in pairs.enumerated() {
                    if index > 0 { output += itemSeparator }
                    newline(level + 1)
                    output += quote(keyString(pair.key), ensureASCII: ensureASCII) + keySeparator
                    try write(pair.value, level: level + 1)
                }
                newline(level)
                output += "}"
            case .namespace(let namespace): try write(.dict(namespace.attributes), level: level)
            case .undefined, .callable, .iterator:
                throw .runtime("Object of type \(value.typeName) is not JSON serializable")
            }
        }
        try write(value, level: 0)
        return output
    }

    private static func keyString(_ key: JinjaKey) -> String {
        switch key {
        case .string(let text): text
        case .int(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        case .none: "null"
        }
    }

    static func quote(_ text: String, ensureASCII: Bool) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            default:
                if scalar.value < 0x20 {
                    result += String(format: "\\u%04x", scalar.value)
                } else if ensureASCII && scalar.value > 0x7E {
                    if scalar.value > 0xFFFF {
                        let offset = scalar.value - 0x10000
                        result += String(format: "\\u%04x\\u%04x", 0xD800 + (offset >> 10), 0xDC00 + (offset & 0x3FF))
                    } else {
                        result += String(format: "\\u%04x", scalar.value)
                    }
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// Parses JSON text into template values, keeping object key order.
    public static func parse(_ text: String) throws -> JinjaValue {
        var parser = Parser(bytes: Array(text.utf8))
        let value = try parser.value()
        parser.skipWhitespace()
        guard parser.position == parser.bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    /// A JSON text that could not be parsed.
    public struct ParseError: Error, CustomStringConvertible {
        public var offset: Int
        public var detail: String
        public var description: String { "invalid JSON at byte \(offset): \(detail)" }
    }

    private struct Parser {
        let bytes: [UInt8]
        var position = 0

        func error(_ detail: String) -> ParseError { ParseError(offset: position, detail: detail) }

        mutating func skipWhitespace() {
            while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
        }

        mutating func value() throws -> JinjaValue {
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end") }
            switch bytes[position] {
            case UInt8(ascii: "{"):
                position += 1
                var dict = JinjaDict()
                skipWhitespace()
                if position < bytes.count && bytes[position] == UInt8(ascii: "}") {
                    position += 1
                    return .dict(dict)
                }
                while true {
                    skipWhitespace()
                    guard case .string(let key) = try value() else { throw error("object keys must be strings") }
                    skipWhitespace()
                    try expect(":")
                    dict[key] = try value()
                    skipWhitespace()
                    if try accept("}") { return .dict(dict) }
                    try expect(",")
                }
            case UInt8(ascii: "["):
                position += 1
                var items: [JinjaValue] = []
                skipWhitespace()
                if try accept("]") { return .list(items) }
                while true {
                    items.append(try value())
                    skipWhitespace()
                    if try accept("]") { return .list(items) }
                    try expect(",")
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
                return .none
            default:
                return try number()
            }
        }

        mutating func accept(_ character: Character) throws -> Bool {
            guard position < bytes.count, bytes[position] == character.asciiValue else { return false }
            position += 1
            return true
        }

        mutating func expect(_ character: Character) throws {
            guard try accept(character) else { throw error("expected '\(character)'") }
        }

        mutating func literal(_ word: String) throws {
            let expected = Array(word.utf8)
            guard position + expected.count <= bytes.count,
                Array(bytes[position..<(position + expected.count)]) == expected
            else { throw error("expected '\(word)'") }
            position += expected.count
        }

        mutating func number() throws -> JinjaValue {
            let start = position
            var isFloat = false
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                    isFloat = true
                }
                guard
                    (0x30...0x39).contains(byte)
                        || [
                            UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "e"),
                            UInt8(ascii: "E"),
                        ].contains(byte)
                else { break }
                position += 1
            }
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            if !isFloat, let integer = Int(text) { return .int(integer) }
            guard let double = Double(text) else { throw error("invalid number '\(text)'") }
            return .double(double)
        }

        mutating func string() throws -> String {
            position += 1
            var scalars = String.UnicodeScalarView()
            var pendingHigh: UInt32?
            var chunkStart = position
            var result = ""
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    result += String(decoding: bytes[chunkStart..<position], as: UTF8.self)
                    result.unicodeScalars.append(contentsOf: scalars)
                    position += 1
                    return result
                }
                if byte == UInt8(ascii: "\\") {
                    result += String(decoding: bytes[chunkStart..<position], as: UTF8.self)
                    result.unicodeScalars.append(contentsOf: scalars)
                    scalars = String.UnicodeScalarView()
                    guard position + 1 < bytes.count else { throw error("unterminated escape") }
                    let escape = bytes[position + 1]
                    position += 2
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
                            let code = UInt32(
                                String(decoding: bytes[position..<(position + 4)], as: UTF8.self), radix: 16)
                        else { throw error("invalid \\u escape") }
                        position += 4
                        if (0xD800...0xDBFF).contains(code) {
                            pendingHigh = code
                        } else if (0xDC00...0xDFFF).contains(code), let high = pendingHigh {
                            let combined = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)
                            if let scalar = Unicode.Scalar(combined) { result.unicodeScalars.append(scalar) }
                            pendingHigh = nil
                        } else if let scalar = Unicode.Scalar(code) {
                            result.unicodeScalars.append(scalar)
                        }
                    default: throw error("invalid escape")
                    }
                    chunkStart = position
                    continue
                }
                position += 1
            }
            throw error("unterminated string")
        }
    }
}
