import EmergentCore
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
                    : number.isInfinite ? (number < 0 ? "-Infinity" : "Infinity") : PythonRepr.float(number)
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
        JSONValue.quoted(text, asciiOnly: ensureASCII)
    }

    /// Parses JSON text into template values, keeping object key order.
    public static func parse(_ text: String) throws(JSONParseError) -> JinjaValue {
        JinjaValue(json: try JSONParser.parse(text))
    }
}

extension JinjaValue {
    /// A template value for a JSON value, object keys in their order.
    public init(json: JSONValue) {
        switch json {
        case .null: self = .none
        case .bool(let value): self = .bool(value)
        case .int(let value): self = .int(value)
        case .double(let value): self = .double(value)
        case .string(let value): self = .string(value)
        case .array(let values): self = .list(values.map(JinjaValue.init(json:)))
        case .object(let object): self = .dict(JinjaDict(object.map { ($0.key, JinjaValue(json: $0.value)) }))
        }
    }
}
