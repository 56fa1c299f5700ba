import EmergentJinja
import Foundation

/// Checks a JSON value against a JSON Schema (the subset `JSONSchemaGrammar` supports), and says where it fails.
///
/// Written for this project (no validator ships in the package mirror). It validates what the grammar
/// enforces, so tests can confirm constrained output really matches the schema, and agents can check tool
/// arguments before running a tool.
public struct JSONSchemaValidator {
    private let root: JinjaValue

    public init(schema: JinjaValue) {
        root = schema
    }

    /// Problems found, each as "path: what is wrong"; empty when `value` is valid.
    public func problems(in value: JinjaValue) -> [String] {
        var found: [String] = []
        check(value, against: root, at: "$", into: &found)
        return found
    }

    public func isValid(_ value: JinjaValue) -> Bool { problems(in: value).isEmpty }

    private func check(_ value: JinjaValue, against schema: JinjaValue, at path: String, into found: inout [String]) {
        if case .bool(let allowed) = schema {
            if !allowed { found.append("\(path): no value is allowed here") }
            return
        }
        guard case .dict(let rules) = schema else { return }
        if case .string(let reference)? = rules["$ref"], let target = resolve(reference) {
            check(value, against: target, at: path, into: &found)
        }
        if let constant = rules["const"], constant != value {
            found.append("\(path): expected the constant \(constant.pythonRepr)")
        }
        if case .list(let options)? = rules["enum"], !options.contains(value) {
            found.append("\(path): \(value.pythonRepr) is not one of \(JinjaValue.list(options).pythonRepr)")
        }
        if case .list(let options)? = rules["anyOf"] ?? rules["oneOf"] {
            let matches = options.filter { option in
                var inner: [String] = []
                check(value, against: option, at: path, into: &inner)
                return inner.isEmpty
            }.count
            if matches == 0 || (rules["oneOf"] != nil && matches > 1) {
                found.append(
                    "\(path): matches \(matches) of the \(rules["oneOf"] != nil ? "oneOf" : "anyOf") alternatives")
            }
        }
        if case .list(let parts)? = rules["allOf"] {
            for part in parts { check(value, against: part, at: path, into: &found) }
        }
        switch rules["type"] {
        case .string(let type)?:
            if !matches(value, type: type) { found.append("\(path): expected \(type), got \(value.typeName)") }
        case .list(let types)?:
            if !types.contains(where: { if case .string(let type) = $0 { matches(value, type: type) } else { false } })
            {
                found.append("\(path): expected one of \(JinjaValue.list(types).pythonRepr), got \(value.typeName)")
            }
        default: break
        }
        switch value {
        case .string(let text):
            let length = text.unicodeScalars.count
            if let minimum = rules["minLength"].flatMap(JSONSchemaGrammar.integer), length < minimum {
                found.append("\(path): shorter than \(minimum) characters")
            }
            if let maximum = rules["maxLength"].flatMap(JSONSchemaGrammar.integer), length > maximum {
                found.append("\(path): longer than \(maximum) characters")
            }
            if case .string(let pattern)? = rules["pattern"] {
                let anchored = (pattern.hasPrefix("^") ? "" : "^(?:") + pattern + (pattern.hasSuffix("$") ? "" : ")$")
                let regex = try? NSRegularExpression(pattern: pattern.hasPrefix("^") ? pattern : anchored)
                if regex?.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil {
                    found.append("\(path): does not match the pattern \(pattern)")
                }
            }
            if case .string(let format)? = rules["format"], let regex = Self.formats[format],
                (try? NSRegularExpression(pattern: regex))?.firstMatch(
                    in: text, range: NSRange(text.startIndex..., in: text)) == nil
            {
                found.append("\(path): is not a valid \(format)")
            }
        case .list(let items):
            if let minimum = rules["minItems"].flatMap(JSONSchemaGrammar.integer), items.count < minimum {
                found.append("\(path): fewer than \(minimum) items")
            }
            if let maximum = rules["maxItems"].flatMap(JSONSchemaGrammar.integer), items.count > maximum {
                found.append("\(path): more than \(maximum) items")
            }
            var start = 0
            if case .list(let prefix)? = rules["prefixItems"] {
                for (index, itemSchema) in prefix.enumerated() where index < items.count {
                    check(items[index], against: itemSchema, at: "\(path)[\(index)]", into: &found)
                }
                start = prefix.count
            }
            if let itemSchema = rules["items"] {
                for index in items.indices where index >= start {
                    check(items[index], against: itemSchema, at: "\(path)[\(index)]", into: &found)
                }
            }
        case .dict(let object):
            var declared = JinjaDict()
            if case .dict(let properties)? = rules["properties"] { declared = properties }
            if case .list(let required)? = rules["required"] {
                for case .string(let key) in required where object[key] == nil {
                    found.append("\(path): missing required property '\(key)'")
                }
            }
            for pair in object.pairs {
                guard case .string(let key) = pair.key else { continue }
                if let propertySchema = declared[key] {
                    check(pair.value, against: propertySchema, at: "\(path).\(key)", into: &found)
                } else if case .bool(false)? = rules["additionalProperties"] {
                    found.append("\(path): unexpected property '\(key)'")
                } else if case .dict? = rules["additionalProperties"], let extra = rules["additionalProperties"] {
                    check(pair.value, against: extra, at: "\(path).\(key)", into: &found)
                }
            }
        default: break
        }
    }

    private static let formats = [
        "date": #"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"#,
        "time": #"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{3})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"#,
        "date-time":
            #"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{3})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"#,
        "uuid": #"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"#,
    ]

    private func matches(_ value: JinjaValue, type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("boolean", .bool), ("null", .none), ("integer", .int), ("number", .int),
            ("number", .double),
            ("array", .list), ("object", .dict):
            true
        case ("integer", .double(let number)): number == number.rounded()
        default: false
        }
    }

    private func resolve(_ reference: String) -> JinjaValue? {
        guard reference.hasPrefix("#/") else { return nil }
        var current = root
        for part in reference.dropFirst(2).split(separator: "/") {
            guard case .dict(let object) = current, let next = object[String(part)] else { return nil }
            current = next
        }
        return current
    }
}
