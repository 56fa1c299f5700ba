import Foundation

/// jinja2's built-in filters, plus transformers' `tojson`.
enum JinjaFilters {
    static func apply(
        _ name: String, to value: JinjaValue, arguments: JinjaArguments, environment: JinjaEnvironment
    ) throws(JinjaFailure) -> JinjaValue {
        func text() throws(JinjaFailure) -> String { value.pythonString }
        func int(_ index: Int, _ key: String, _ fallback: Int) -> Int {
            arguments.value(index, key).flatMap(JinjaOperations.integer) ?? fallback
        }
        func bool(_ index: Int, _ key: String) -> Bool { arguments.value(index, key)?.isTruthy ?? false }
        func attribute(_ item: JinjaValue, _ path: JinjaValue?) throws(JinjaFailure) -> JinjaValue {
            guard let path else { return item }
            var current = item
            for part in path.pythonString.split(separator: ".") {
                current = try JinjaOperations.item(of: current, Int(part).map { .int($0) } ?? .string(String(part)))
            }
            return current
        }

        switch name {
        case "safe": return .markup(value.pythonString)
        case "e", "escape":
            if case .markup = value { return value }
            return .markup(escapeHTML(value.pythonString))
        case "forceescape": return .markup(escapeHTML(value.pythonString))
        default: break
        }
        // Other filters see a Markup string as a plain one.
        let value = value.plain
        switch name {
        case "string":
            return .string(value.pythonString)
        case "tojson":
            let indent = arguments.value(0, "indent").flatMap(JinjaOperations.integer)
            var separators: (String, String)?
            if case .tuple(let pair)? = arguments.value(99, "separators"), pair.count == 2 {
                separators = (pair[0].pythonString, pair[1].pythonString)
            } else if case .list(let pair)? = arguments.value(99, "separators"), pair.count == 2 {
                separators = (pair[0].pythonString, pair[1].pythonString)
            }
            return .string(
                try JinjaJSON.dumps(
                    value, indent: indent, separators: separators,
                    sortKeys: arguments.value(99, "sort_keys")?.isTruthy ?? false,
                    ensureASCII: arguments.value(99, "ensure_ascii")?.isTruthy ?? false))
        case "trim":
            let characters = try JinjaMethods.string(arguments.value(0, "chars"), "trim characters")
            return .string(JinjaMethods.strip(try text(), characters: characters, leading: true, trailing: true))
        case "length", "count":
            switch value {
            case .string(let string): return .int(string.unicodeScalars.count)
            case .list(let items), .tuple(let items): return .int(items.count)
            case .dict(let dict): return .int(dict.count)
            case .undefined: return .int(0)
            case .namespace(let namespace): return .int(namespace.attributes.count)
            case .iterator: throw .runtime("object of type 'generator' has no len()")
            default: throw .runtime("object of type '\(value.typeName)' has no len()")
            }
        case "lower": return .string(try text().lowercased())
        case "upper": return .string(try text().uppercased())
        case "capitalize": return .string(JinjaMethods.capitalize(try text()))
        case "title": return .string(jinjaTitle(try text()))
        case "replace":
            guard let old = arguments.value(0, "old"), let new = arguments.value(1, "new") else {
                throw .runtime("replace filter needs 2 arguments")
            }
            return .string(
                JinjaMethods.replace(try text(), old.pythonString, new.pythonString, count: int(2, "count", -1)))
        case "join":
            let separator = arguments.value(0, "d")?.pythonString ?? ""
            let path = arguments.value(1, "attribute")
            return .string(
                try value.iterate().map { item throws(JinjaFailure) in try attribute(item, path).pythonString }.joined(
                    separator: separator))
        case "first":
            if case .undefined(let undefinedName) = value { throw .runtime("'\(undefinedName)' is undefined") }
            return try value.iterate().first ?? .undefined("first")
        case "last":
            if case .undefined(let undefinedName) = value { throw .runtime("'\(undefinedName)' is undefined") }
            if case .iterator = value { throw .runtime("'generator' object is not reversible") }
            return try value.iterate().last ?? .undefined("last")
        case "list": return .list(try value.iterate())
        case "int":
            let fallback = int(0, "default", 0)
            switch value {
            case .int: return value
            case .bool(let flag): return .int(flag ? 1 : 0)
            case .double(let number): return .int(Int(number))
            case .string(let string):
                let trimmed = string.trimmingCharacters(in: .whitespaces)
                if let number = Int(trimmed) { return .int(number) }
                if let number = Double(trimmed) { return .int(Int(number)) }
                return .int(fallback)
            default: return .int(fallback)
            }
        case "float":
            let fallback = arguments.value(0, "default").flatMap(JinjaOperations.number) ?? 0
            switch value {
            case .string(let string): return .double(Double(string.trimmingCharacters(in: .whitespaces)) ?? fallback)
            default: return .double(JinjaOperations.number(value) ?? fallback)
            }
        case "abs":
            switch value {
            case .int(let number): return .int(abs(number))
            case .double(let number): return .double(abs(number))
            default: throw .runtime("bad operand type for abs(): '\(value.typeName)'")
            }
        case "round":
            guard let number = JinjaOperations.number(value) else { throw .runtime("round filter needs a number") }
            let precision = int(0, "precision", 0)
            let method = arguments.value(1, "method")?.pythonString ?? "common"
            let scale = pow(10, Double(precision))
            // "common" is Python's round(): halves go to the even neighbour.
            let rule: FloatingPointRoundingRule = method == "ceil" ? .up : method == "floor" ? .down : .toNearestOrEven
            return .double((number * scale).rounded(rule) / scale)
        case "default", "d":
            let fallback = arguments.value(0, "default_value") ?? .string("")
            let boolean = bool(1, "boolean")
            if value.isUndefined || (boolean && !value.isTruthy) { return fallback }
            return value
        case "items":
            switch value {
            case .dict(let dict): return .list(dict.pairs.map { .tuple([$0.key.value, $0.value]) })
            case .undefined: return .list([])
            default: throw .runtime("items filter needs a mapping, not \(value.typeName)")
            }
        case "dictsort":
            guard case .dict(let dict) = value else { throw .runtime("dictsort needs a mapping") }
            let byValue = arguments.value(1, "by")?.pythonString == "value"
            let reverse = bool(2, "reverse")
            var pairs = dict.pairs
            try sortValues(&pairs) { pair throws(JinjaFailure) in byValue ? pair.value : pair.key.value }
            if reverse { pairs.reverse() }
            return .list(pairs.map { .tuple([$0.key.value, $0.value]) })
        case "map":
            // jinja2's map, select and friends yield nothing for a falsy input and return generators.
            let items = value.isTruthy ? try value.iterate() : []
            if let path = arguments.keyword.first(where: { $0.0 == "attribute" })?.1 {
                let fallback = arguments.keyword.first { $0.0 == "default" }?.1
                return .iterator(
                    try items.map { item throws(JinjaFailure) in
                        let found = try attribute(item, path)
                        return found.isUndefined ? (fallback ?? found) : found
                    })
            }
            guard let filterName = arguments.positional.first?.pythonString else {
                throw .runtime("map needs a filter name or attribute=")
            }
            let rest = JinjaArguments(positional: Array(arguments.positional.dropFirst()), keyword: arguments.keyword)
            return .iterator(
                try items.map { item throws(JinjaFailure) in
                    try apply(filterName, to: item, arguments: rest, environment: environment)
                })
        case "select", "reject":
            let items = value.isTruthy ? try value.iterate() : []
            let testName = arguments.positional.first?.pythonString
            let testArguments = Array(arguments.positional.dropFirst())
            var kept: [JinjaValue] = []
            for item in items {
                let passed =
                    try testName.map { test throws(JinjaFailure) in
                        try JinjaTests.apply(test, to: item, arguments: testArguments)
                    } ?? item.isTruthy
                if passed == (name == "select") { kept.append(item) }
            }
            return .iterator(kept)
        case "selectattr", "rejectattr":
            let items = value.isTruthy ? try value.iterate() : []
            guard let path = arguments.positional.first else { throw .runtime("\(name) needs an attribute name") }
            let testName = arguments.positional.count > 1 ? arguments.positional[1].pythonString : nil
            let testArguments = Array(arguments.positional.dropFirst(2))
            var kept: [JinjaValue] = []
            for item in items {
                let found = try attribute(item, path)
                let passed =
                    try testName.map { test throws(JinjaFailure) in
                        try JinjaTests.apply(test, to: found, arguments: testArguments)
                    } ?? found.isTruthy
                if passed == (name == "selectattr") { kept.append(item) }
            }
            return .iterator(kept)
        case "unique":
            var kept: [JinjaValue] = []
            var seen: [JinjaValue] = []
            let path = arguments.value(1, "attribute")
            for item in try value.iterate() {
                let key = try attribute(item, path)
                if !seen.contains(where: { JinjaOperations.equals($0, key) }) {
                    seen.append(key)
                    kept.append(item)
                }
            }
            return .list(kept)
        case "reverse":
            if case .string(let string) = value {
                return .string(String(string.unicodeScalars.reversed().map(Character.init)))
            }
            return .list(try value.iterate().reversed())
        case "sort":
            var items = try value.iterate()
            let path = arguments.value(2, "attribute")
            try sortValues(&items) { item throws(JinjaFailure) in try attribute(item, path) }
            if bool(0, "reverse") { items.reverse() }
            return .list(items)
        case "min", "max":
            let items = try value.iterate()
            guard var best = items.first else { return .undefined(name) }
            let path = arguments.value(1, "attribute")
            for item in items.dropFirst() {
                let better = try JinjaOperations.compare(
                    name == "min" ? "<" : ">", try attribute(item, path), try attribute(best, path))
                if better { best = item }
            }
            return best
        case "sum":
            let path = arguments.value(0, "attribute")
            var total = arguments.value(1, "start") ?? .int(0)
            for item in try value.iterate() {
                total = try JinjaOperations.binary("+", total, try attribute(item, path))
            }
            return total
        case "indent":
            let width =
                arguments.value(0, "width").map(\.pythonString).flatMap { Int($0) }.map {
                    String(repeating: " ", count: $0)
                }
                ?? (arguments.value(0, "width").map(\.pythonString) ?? "    ")
            return .string(indent(try text(), width: width, first: bool(1, "first"), blank: bool(2, "blank")))
        case "wordcount":
            return .int(try text().split(whereSeparator: { $0.isWhitespace || $0.isPunctuation && $0 != "'" }).count)
        case "batch":
            let size = int(0, "linecount", 1)
            guard size > 0 else { throw .runtime("batch size must be positive") }
            let items = try value.iterate()
            var batches: [JinjaValue] = []
            var index = 0
            while index < items.count {
                var slice = Array(items[index..<min(index + size, items.count)])
                if slice.count < size, let fill = arguments.value(1, "fill_with") {
                    slice += Array(repeating: fill, count: size - slice.count)
                }
                batches.append(.list(slice))
                index += size
            }
            return .list(batches)
        case "attr":
            return try JinjaOperations.attribute(of: value, arguments.value(0, "name")?.pythonString ?? "")
        case "format":
            return .string(try JinjaFormat.percent(try text(), .tuple(arguments.positional)))
        case "center":
            let width = int(0, "width", 80)
            let string = try text()
            let padding = max(0, width - string.count)
            let left = padding / 2 + (padding % 2 == 1 && width % 2 == 1 ? 1 : 0)
            return .string(String(repeating: " ", count: left) + string + String(repeating: " ", count: padding - left))
        case "truncate":
            let string = try text()
            let length = int(0, "length", 255)
            let end = arguments.value(2, "end")?.pythonString ?? "..."
            guard string.count > length else { return .string(string) }
            return .string(String(string.prefix(max(0, length - end.count))) + end)
        case "striptags":
            return .string((try text()).replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression))
        case "pprint": return .string(value.pythonRepr)
        case "xmlattr", "urlize", "urlencode", "filesizeformat", "wordwrap", "groupby":
            throw .runtime("the '\(name)' filter is not supported")
        default:
            if let custom = environment.filters[name] { return try custom(value, arguments) }
            throw .runtime("no filter named '\(name)'")
        }
    }

    private static func sortValues<T>(_ items: inout [T], key: (T) throws(JinjaFailure) -> JinjaValue)
        throws(JinjaFailure)
    {
        // Insertion sort on a stable comparison that can throw; template lists are small.
        var sorted: [T] = []
        for item in items {
            let itemKey = try key(item)
            var position = sorted.count
            while position > 0 {
                let otherKey = try key(sorted[position - 1])
                let caseless = { (value: JinjaValue) -> JinjaValue in
                    if case .string(let text) = value { return .string(text.lowercased()) }
                    return value
                }
                if try JinjaOperations.compare(">", caseless(otherKey), caseless(itemKey)) {
                    position -= 1
                } else {
                    break
                }
            }
            sorted.insert(item, at: position)
        }
        items = sorted
    }

    static func escapeHTML(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&#34;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// jinja2's `title` filter: capitalise each word, where words start after whitespace, `-`, `(`, `{`, `[`, `<`.
    static func jinjaTitle(_ text: String) -> String {
        var result = ""
        var startOfWord = true
        for character in text {
            if character.isWhitespace || "-({[<".contains(character) {
                result.append(character)
                startOfWord = true
            } else {
                result += startOfWord ? character.uppercased() : character.lowercased()
                startOfWord = false
            }
        }
        return result
    }

    static func indent(_ text: String, width: String, first: Bool, blank: Bool) -> String {
        var lines = text.components(separatedBy: "\n")
        for index in lines.indices {
            if index == 0 && !first { continue }
            if lines[index].isEmpty && !blank { continue }
            lines[index] = width + lines[index]
        }
        return lines.joined(separator: "\n")
    }
}
