import EmergentCore
import EmergentJinja
import Foundation

/// Converts a JSON Schema into a GBNF grammar for llama.cpp's grammar sampler, so generation can only produce
/// JSON that matches the schema.
///
/// Supported: `type` (object, array, string, number, integer, boolean, null, and unions), `properties`,
/// `required`, `additionalProperties`, `enum`, `const`, `items`, `prefixItems`, `minItems`, `maxItems`,
/// `minLength`, `maxLength`, `pattern` (see `RegexToGBNF` for the subset), `anyOf`, `oneOf`, `allOf` (of objects),
/// local `$ref` into `$defs`/`definitions`, and `format` date, time, date-time and uuid. Annotations (`title`,
/// `description`, `default`, `examples`, …) are ignored. Any other keyword is an error, unless
/// `ignoringUnsupportedKeywords` is set, in which case it is dropped (the grammar then accepts more than the
/// schema does).
public struct JSONSchemaGrammar {
    /// A schema the converter cannot express.
    public struct Unsupported: EmergentError, Equatable {
        public var path: String
        public var keyword: String
        public var message: String {
            "JSON Schema keyword '\(keyword)' at \(path) is not supported by the grammar converter."
        }
        public var recovery: String? {
            "Remove it, or use the supported subset: type, properties, required, additionalProperties, enum, const, items, prefixItems, minItems, maxItems, minLength, maxLength, pattern, anyOf, oneOf, allOf, $ref, format."
        }
    }

    private let root: JinjaValue
    private let lenient: Bool
    private var rules: [(String, String)] = []
    private var ruleNames: Set<String> = []
    private var refRules: [String: String] = [:]

    private static let annotations: Set<String> = [
        "title", "description", "default", "examples", "$schema", "$id", "$comment", "deprecated", "readOnly",
        "writeOnly",
        "$defs", "definitions", "strict",
    ]
    private static let handled: Set<String> = [
        "type", "properties", "required", "additionalProperties", "enum", "const", "items", "prefixItems", "minItems",
        "maxItems", "minLength", "maxLength", "pattern", "anyOf", "oneOf", "allOf", "$ref", "format",
    ]

    /// The GBNF source for `schema`, with `root` as the start rule.
    public static func grammar(for schema: JinjaValue, ignoringUnsupportedKeywords: Bool = false) throws -> String {
        var converter = JSONSchemaGrammar(root: schema, lenient: ignoringUnsupportedKeywords)
        let start = try converter.visit(schema, name: "root", path: "#")
        if start != "root" { converter.add("root", start) }
        return converter.render()
    }

    /// The same, for a `JSONValue` schema (properties in the order the schema lists them).
    public static func grammar(for schema: JSONValue, ignoringUnsupportedKeywords: Bool = false) throws -> String {
        try grammar(for: schema.jinjaValue, ignoringUnsupportedKeywords: ignoringUnsupportedKeywords)
    }

    private init(root: JinjaValue, lenient: Bool) {
        self.root = root
        self.lenient = lenient
        for (name, body) in Self.primitives { add(name, body) }
    }

    static let primitives: [(String, String)] = [
        ("space", #"| " " | "\n" [ \t]{0,20}"#),
        ("boolean", #"("true" | "false") space"#),
        ("null", #""null" space"#),
        ("integral-part", "[0] | [1-9] [0-9]{0,15}"),
        ("decimal-part", "[0-9]{1,16}"),
        ("integer", #"("-"? integral-part) space"#),
        ("number", #"("-"? integral-part) ("." decimal-part)? ([eE] [-+]? integral-part)? space"#),
        ("char", #"[^"\\\x7F\x00-\x1F] | [\\] (["\\bfnrt] | "u" [0-9a-fA-F]{4})"#),
        ("string", #""\"" char* "\"" space"#),
        ("value", "object | array | string | number | boolean | null"),
        ("object", #""{" space ( string ":" space value ("," space string ":" space value)* )? "}" space"#),
        ("array", #""[" space ( value ("," space value)* )? "]" space"#),
    ]

    private mutating func add(_ name: String, _ body: String) {
        if ruleNames.insert(name).inserted { rules.append((name, body)) }
    }

    private mutating func fresh(_ base: String) -> String {
        let clean = base.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
        var name = clean.isEmpty ? "r" : clean
        var counter = 1
        while ruleNames.contains(name) {
            name = "\(clean)-\(counter)"
            counter += 1
        }
        return name
    }

    private func render() -> String {
        rules.map { "\($0.0) ::= \($0.1)" }.joined(separator: "\n") + "\n"
    }

    /// Returns an expression (a rule name) for `schema`.
    private mutating func visit(_ schema: JinjaValue, name: String, path: String) throws -> String {
        if case .bool(let allowed) = schema { return allowed ? "value" : try fail(path, "false") }
        guard case .dict(let object) = schema else { throw Unsupported(path: path, keyword: "(a non-object schema)") }
        if !lenient {
            for key in object.keys {
                if case .string(let keyword) = key, !Self.handled.contains(keyword), !Self.annotations.contains(keyword)
                {
                    throw Unsupported(path: path, keyword: keyword)
                }
            }
        }
        if case .string(let reference)? = object["$ref"] { return try visitReference(reference, path: path) }
        if let constant = object["const"] { return define(name, try literal(constant) + " space") }
        if case .list(let options)? = object["enum"] {
            let alternatives = try options.map { try literal($0) }
            return define(name, "(" + alternatives.joined(separator: " | ") + ") space")
        }
        for keyword in ["anyOf", "oneOf"] {
            if case .list(let options)? = object[keyword] {
                var alternatives: [String] = []
                for (index, option) in options.enumerated() {
                    alternatives.append(
                        try visit(option, name: "\(name)-\(keyword)-\(index)", path: "\(path)/\(keyword)/\(index)"))
                }
                return define(name, alternatives.joined(separator: " | "))
            }
        }
        if case .list(let parts)? = object["allOf"] {
            return try visitAllOf(parts, base: object, name: name, path: path)
        }

        switch object["type"] {
        case .list(let types)?:
            var alternatives: [String] = []
            for (index, type) in types.enumerated() {
                var single = object
                single["type"] = type
                alternatives.append(try visit(.dict(single), name: "\(name)-\(index)", path: path))
            }
            return define(name, alternatives.joined(separator: " | "))
        case .string(let type)?:
            return try visitTyped(type, object, name: name, path: path)
        case nil:
            if object["properties"] != nil { return try visitTyped("object", object, name: name, path: path) }
            if object["items"] != nil || object["prefixItems"] != nil {
                return try visitTyped("array", object, name: name, path: path)
            }
            return "value"
        default:
            throw Unsupported(path: path, keyword: "type")
        }
    }

    private mutating func define(_ name: String, _ body: String) -> String {
        let rule = fresh(name)
        add(rule, body)
        return rule
    }

    private func fail(_ path: String, _ keyword: String) throws -> String {
        throw Unsupported(path: path, keyword: keyword)
    }

    private mutating func visitTyped(_ type: String, _ object: JinjaDict, name: String, path: String) throws -> String {
        switch type {
        case "boolean": return "boolean"
        case "null": return "null"
        case "integer": return "integer"
        case "number": return "number"
        case "string": return try visitString(object, name: name, path: path)
        case "array": return try visitArray(object, name: name, path: path)
        case "object": return try visitObject(object, name: name, path: path)
        default: throw Unsupported(path: path, keyword: "type: \(type)")
        }
    }

    private mutating func visitString(_ object: JinjaDict, name: String, path: String) throws -> String {
        if case .string(let format)? = object["format"] {
            let body: String
            switch format {
            case "date": body = #""\"" date "\"" space"#
            case "time": body = #""\"" time "\"" space"#
            case "date-time": body = #""\"" date "T" time "\"" space"#
            case "uuid":
                body =
                    #""\"" [0-9a-fA-F]{8} "-" [0-9a-fA-F]{4} "-" [0-9a-fA-F]{4} "-" [0-9a-fA-F]{4} "-" [0-9a-fA-F]{12} "\"" space"#
            default:
                if lenient { return "string" }
                throw Unsupported(path: path, keyword: "format: \(format)")
            }
            add("date", #"[0-9]{4} "-" ("0" [1-9] | "1" [0-2]) "-" ("0" [1-9] | [1-2] [0-9] | "3" [0-1])"#)
            add(
                "time",
                #"([01] [0-9] | "2" [0-3]) ":" [0-5] [0-9] ":" [0-5] [0-9] ("." [0-9]{3})? ("Z" | ("+" | "-") ([01] [0-9] | "2" [0-3]) ":" [0-5] [0-9])"#
            )
            return define(name, body)
        }
        if case .string(let pattern)? = object["pattern"] {
            let expression = try RegexToGBNF.convert(pattern, path: path)
            return define(name, #""\"" "# + expression + #" "\"" space"#)
        }
        let minimum = object["minLength"].flatMap(Self.integer) ?? 0
        let maximum = object["maxLength"].flatMap(Self.integer)
        if minimum == 0 && maximum == nil { return "string" }
        let repeatCount = maximum.map { "{\(minimum),\($0)}" } ?? "{\(minimum),}"
        return define(name, #""\"" char"# + repeatCount + #" "\"" space"#)
    }

    private mutating func visitArray(_ object: JinjaDict, name: String, path: String) throws -> String {
        if case .list(let prefix)? = object["prefixItems"] {
            var parts: [String] = []
            for (index, item) in prefix.enumerated() {
                parts.append(try visit(item, name: "\(name)-\(index)", path: "\(path)/prefixItems/\(index)"))
            }
            let body = parts.isEmpty ? "" : parts.joined(separator: #" "," space "#)
            return define(name, #""[" space "# + body + #" "]" space"#)
        }
        let item = try object["items"].map { try visit($0, name: "\(name)-item", path: "\(path)/items") } ?? "value"
        let minimum = object["minItems"].flatMap(Self.integer) ?? 0
        let maximum = object["maxItems"].flatMap(Self.integer)
        let list: String
        switch (minimum, maximum) {
        case (_, 0?): list = ""
        case (0, nil): list = "( \(item) (\",\" space \(item))* )?"
        case (0, let upper?): list = "( \(item) (\",\" space \(item)){0,\(upper - 1)} )?"
        case (let lower, nil): list = "\(item) (\",\" space \(item)){\(lower - 1),}"
        case (let lower, let upper?): list = "\(item) (\",\" space \(item)){\(lower - 1),\(upper - 1)}"
        }
        return define(name, #""[" space "# + list + #" "]" space"#)
    }

    private mutating func visitObject(_ object: JinjaDict, name: String, path: String) throws -> String {
        var properties: [(String, JinjaValue)] = []
        if case .dict(let declared)? = object["properties"] {
            for pair in declared.pairs { if case .string(let key) = pair.key { properties.append((key, pair.value)) } }
        }
        var required: [String] = []
        if case .list(let names)? = object["required"] {
            required = names.compactMap { if case .string(let n) = $0 { n } else { nil } }
        }
        let additional = object["additionalProperties"]
        if properties.isEmpty && additional == nil { return "object" }

        var pairRules: [String: String] = [:]
        for (key, schema) in properties {
            let valueRule = try visit(schema, name: "\(name)-\(key)", path: "\(path)/properties/\(key)")
            pairRules[key] = define("\(name)-\(key)-kv", try literal(.string(key)) + " space \":\" space " + valueRule)
        }
        var extra: String?
        switch additional {
        case .bool(true)?: extra = #"string ":" space value"#
        case .dict?:
            let valueRule = try visit(
                additional ?? .none, name: "\(name)-additional", path: "\(path)/additionalProperties")
            extra = #"string ":" space "# + valueRule
        default: extra = nil
        }
        let requiredKeys = properties.map(\.0).filter(required.contains)
        let optionalKeys = properties.map(\.0).filter { !required.contains($0) }
        var body = #""{" space "#
        if !requiredKeys.isEmpty {
            body += requiredKeys.compactMap { pairRules[$0] }.joined(separator: #" "," space "#)
            for key in optionalKeys { body += #" ("," space "# + (pairRules[key] ?? "") + ")?" }
            if let extra { body += #" ("," space "# + extra + ")*" }
        } else {
            // No required keys: any subset of the optional ones, in order, comma-separated.
            var tails: [String] = []
            var next = ""
            for key in optionalKeys.reversed() {
                let rule = define("\(name)-after-\(key)", #"("," space "# + (pairRules[key] ?? "") + ")? " + next)
                tails.insert(rule, at: 0)
                next = rule
            }
            var starts: [String] = []
            for (index, key) in optionalKeys.enumerated() {
                let tail = index + 1 < tails.count ? " " + tails[index + 1] : ""
                starts.append((pairRules[key] ?? "") + tail + (extra.map { #" ("," space "# + $0 + ")*" } ?? ""))
            }
            if let extra { starts.append(extra + #" ("," space "# + extra + ")*") }
            body += "( " + starts.joined(separator: " | ") + " )?"
        }
        body += #" "}" space"#
        return define(name, body)
    }

    private mutating func visitAllOf(_ parts: [JinjaValue], base: JinjaDict, name: String, path: String) throws
        -> String
    {
        var merged = JinjaDict()
        var properties = JinjaDict()
        var required: [JinjaValue] = []
        for (index, part) in parts.enumerated() {
            var resolved = part
            if case .dict(let object) = part, case .string(let reference)? = object["$ref"] {
                resolved = try resolve(reference, path: "\(path)/allOf/\(index)")
            }
            guard case .dict(let object) = resolved else {
                throw Unsupported(path: "\(path)/allOf/\(index)", keyword: "allOf")
            }
            if case .dict(let more)? = object["properties"] {
                for pair in more.pairs { properties[pair.key] = pair.value }
            }
            if case .list(let names)? = object["required"] { required += names }
            if let additional = object["additionalProperties"] { merged["additionalProperties"] = additional }
        }
        merged["type"] = .string("object")
        merged["properties"] = .dict(properties)
        merged["required"] = .list(required)
        return try visitObject(merged, name: name, path: path)
    }

    private func resolve(_ reference: String, path: String) throws -> JinjaValue {
        guard reference.hasPrefix("#/") else { throw Unsupported(path: path, keyword: "$ref (only local references)") }
        var current = root
        for part in reference.dropFirst(2).split(separator: "/") {
            let key = part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard case .dict(let object) = current, let next = object[key] else {
                throw Unsupported(path: path, keyword: "$ref \(reference) (not found)")
            }
            current = next
        }
        return current
    }

    private mutating func visitReference(_ reference: String, path: String) throws -> String {
        if let rule = refRules[reference] { return rule }
        let rule = fresh("ref-" + (reference.split(separator: "/").last.map(String.init) ?? "def"))
        refRules[reference] = rule
        ruleNames.insert(rule)
        let target = try resolve(reference, path: path)
        let body = try visit(target, name: rule + "-body", path: reference)
        rules.append((rule, body))
        return rule
    }

    /// A GBNF literal matching exactly the JSON text of `value`.
    private func literal(_ value: JinjaValue) throws -> String {
        let json = try JinjaJSON.dumps(value, separators: (",", ":"))
        return Self.quote(json)
    }

    static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    static func integer(_ value: JinjaValue) -> Int? {
        switch value {
        case .int(let number): number
        case .double(let number) where number == number.rounded(): Int(number)
        default: nil
        }
    }
}
