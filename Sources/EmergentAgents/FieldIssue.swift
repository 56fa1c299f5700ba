import EmergentCore

/// A mistake found in a value before its place in the file is known. ``AgentFileValidator`` finds the line and
/// column from `path`; ``AgentDefinition/validate()`` reports it without them.
struct FieldIssue: Sendable, Hashable {
    /// Which position in the file the issue points at.
    enum Anchor: Sendable, Hashable {
        /// The value at `path`, or the nearest enclosing value that exists (for a missing key).
        case value
        /// The key that ends `path` (an unknown key is the mistake, not its value).
        case key
    }

    var path: FieldPath
    var expected: String
    var found: String
    var suggestion: String?
    var anchor: Anchor = .value

    /// An unknown key, with the keys that are allowed there and the closest of them.
    static func unknownKey(_ key: String, at path: FieldPath, known: [String]) -> FieldIssue {
        FieldIssue(
            path: path.appending(key), expected: "one of " + known.joined(separator: ", "),
            found: "an unknown key", suggestion: EditDistance.closest(to: key, in: known), anchor: .key)
    }

    /// The problem, at `line` and `column` when they are known.
    func problem(line: Int? = nil, column: Int? = nil) -> AgentDefinitionError.Problem {
        AgentDefinitionError.Problem(
            field: path.description, line: line, column: column, expected: expected, found: found,
            suggestion: suggestion)
    }
}

extension FieldIssue {
    /// The issue a decoder reports, at `base` plus the error's coding path; `found` describes the value at a path.
    init(_ error: DecodingError, at base: FieldPath, found: (FieldPath) -> String) {
        switch error {
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let path = FieldPath(base, codingPath: context.codingPath)
            self.init(path: path, expected: Self.describe(type), found: found(path))
        case .keyNotFound(let key, let context):
            let path = FieldPath(base, codingPath: context.codingPath + [key])
            self.init(path: path, expected: "a value (this key is required)", found: "nothing")
        case .dataCorrupted(let context):
            let path = FieldPath(base, codingPath: context.codingPath)
            self.init(path: path, expected: "a valid value (\(context.debugDescription))", found: found(path))
        @unknown default:
            self.init(path: base, expected: "a valid value", found: "\(error)")
        }
    }

    /// What a decoder asked for, in a message's words.
    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Double.Type, is Float.Type: return "a number"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type, is UInt64.Type, is UInt32.Type:
            return "a whole number"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "a list" }
            if name.hasPrefix("Dictionary") { return "a mapping" }
            return "a \(name)"
        }
    }

    /// A value as a message shows it: `"ten"`, `10`, `a list`, `nothing`.
    static func describe(_ value: JSONValue?) -> String {
        switch value {
        case nil: return "nothing"
        case .null?: return "null"
        case .bool(let flag)?: return flag ? "true" : "false"
        case .int(let number)?: return String(number)
        case .double(let number)?: return "\(number)"
        case .string(let text)?: return quoted(text)
        case .array(let items)?: return items.isEmpty ? "an empty list" : "a list"
        case .object(let object)?: return object.isEmpty ? "an empty mapping" : "a mapping"
        }
    }

    /// Text as a message quotes it, cut to its first line and 40 characters.
    static func quoted(_ text: String) -> String {
        let firstLine = text.prefix { $0 != "\n" }
        let cut = firstLine.count > 40 || firstLine.count < text.count
        return JSONValue.quoted(String(firstLine.prefix(40)) + (cut ? "…" : ""))
    }
}
