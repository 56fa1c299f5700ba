import EmergentCore
import Foundation

/// A task file's text template: literal text with `{{field}}` placeholders filled from one JSONL record.
///
/// Only plain substitution is supported (no Jinja filters or expressions); `{{ field }}` may carry spaces, and
/// `a.b` reads a nested object field. Strings are inserted as-is, numbers and booleans as their JSON text.
public struct TaskTemplate: Sendable, Hashable {
    /// The template text as written.
    public var source: String

    public init(_ source: String) { self.source = source }

    /// When the whole template is one placeholder, its field name (so a list field can give the choices).
    public var soleField: String? {
        let trimmed = source.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("{{"), trimmed.hasSuffix("}}") else { return nil }
        let inner = trimmed.dropFirst(2).dropLast(2)
        guard !inner.contains("{{"), !inner.contains("}}") else { return nil }
        return inner.trimmingCharacters(in: .whitespaces)
    }

    /// Looks up `field` (dotted for nested objects) in `record`.
    public static func value(of field: String, in record: JSONObject) -> JSONValue? {
        var current: JSONValue = .object(record)
        for part in field.split(separator: ".") {
            guard case .object(let object) = current, let next = object[String(part)] else { return nil }
            current = next
        }
        return current
    }

    /// Fills every placeholder from `record`; a missing field is an error naming it.
    public func render(_ record: JSONObject) throws(EmergenceError) -> String {
        var output = ""
        var rest = Substring(source)
        while let open = rest.range(of: "{{") {
            output += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw EmergenceError("the template '\(source)' has '{{' without a closing '}}'")
            }
            let field = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard let value = Self.value(of: field, in: record) else {
                throw EmergenceError("the template '\(source)' uses the field '\(field)', which the record lacks")
            }
            output += Self.text(of: value)
            rest = rest[close.upperBound...]
        }
        return output + rest
    }

    /// A value as template text.
    public static func text(of value: JSONValue) -> String {
        if case .string(let text) = value { return text }
        return value.compactJSON
    }
}
