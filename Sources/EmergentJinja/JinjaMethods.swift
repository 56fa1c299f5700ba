import Foundation

/// The Python methods templates call on strings, dicts and lists.
enum JinjaMethods {
    private static func method(
        _ name: String, _ body: @escaping (JinjaArguments) throws(JinjaFailure) -> JinjaValue
    ) -> JinjaValue {
        .callable(JinjaCallable(name: name, body: body))
    }

    static func string(_ value: JinjaValue?, _ what: String) throws(JinjaFailure) -> String? {
        guard let value, !value.isNone else { return nil }
        guard case .string(let text) = value else { throw .runtime("\(what) must be a string, not \(value.typeName)") }
        return text
    }

    static func stringMethod(_ text: String, _ name: String) -> JinjaValue? {
        switch name {
        case "strip", "lstrip", "rstrip":
            return method(name) { arguments throws(JinjaFailure) in
                let characters = try string(arguments.value(0, "chars"), "strip characters")
                return .string(
                    strip(text, characters: characters, leading: name != "rstrip", trailing: name != "lstrip"))
            }
        case "split", "rsplit":
            return method(name) { arguments throws(JinjaFailure) in
                let separator = try string(arguments.value(0, "sep"), "separator")
                let limit = arguments.value(1, "maxsplit").flatMap(JinjaOperations.integer) ?? -1
                return .list(
                    split(text, separator: separator, limit: limit, fromRight: name == "rsplit").map { .string($0) })
            }
        case "splitlines":
            return method(name) { _ throws(JinjaFailure) in
                .list(
                    text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map {
                        .string(String($0))
                    }
                    .dropLast(text.last?.isNewline == true ? 1 : 0).map { $0 })
            }
        case "startswith", "endswith":
            return method(name) { arguments throws(JinjaFailure) in
                let candidates: [JinjaValue]
                switch arguments.value(0, "prefix") {
                case .tuple(let items)?, .list(let items)?: candidates = items
                case let single?: candidates = [single]
                case nil: throw .runtime("\(name)() takes at least 1 argument")
                }
                for candidate in candidates {
                    guard case .string(let affix) = candidate else { throw .runtime("\(name) argument must be str") }
                    if name == "startswith"
                        ? text.unicodeScalars.starts(with: affix.unicodeScalars)
                        : text.unicodeScalars.reversed().starts(with: affix.unicodeScalars.reversed())
                    {
                        return .bool(true)
                    }
                }
                return .bool(false)
            }
        case "lower": return method(name) { _ throws(JinjaFailure) in .string(text.lowercased()) }
        case "upper": return method(name) { _ throws(JinjaFailure) in .string(text.uppercased()) }
        case "title": return method(name) { _ throws(JinjaFailure) in .string(pythonTitle(text)) }
        case "capitalize": return method(name) { _ throws(JinjaFailure) in .string(capitalize(text)) }
        case "replace":
            return method(name) { arguments throws(JinjaFailure) in
                guard let old = try string(arguments.value(0, "old"), "old"),
                    let new = try string(arguments.value(1, "new"), "new")
                else {
                    throw .runtime("replace() takes 2 arguments")
                }
                let count = arguments.value(2, "count").flatMap(JinjaOperations.integer) ?? -1
                return .string(replace(text, old, new, count: count))
            }
        case "find", "rfind", "index", "rindex":
            return method(name) { arguments throws(JinjaFailure) in
                guard let needle = try string(arguments.value(0, "sub"), "substring") else {
                    throw .runtime("\(name)() takes 1 argument")
                }
                let scalars = Array(text.unicodeScalars)
                let target = Array(needle.unicodeScalars)
                var found = -1
                if target.count <= scalars.count {
                    let starts = Array(0...(scalars.count - target.count))
                    for start in (name.hasPrefix("r") ? starts.reversed() : starts)
                    where Array(scalars[start..<(start + target.count)]) == target {
                        found = start
                        break
                    }
                }
                if found < 0 && name.hasSuffix("index") { throw .runtime("substring not found") }
                return .int(found)
            }
        case "count":
            return method(name) { arguments throws(JinjaFailure) in
                guard let needle = try string(arguments.value(0, "sub"), "substring") else {
                    throw .runtime("count() takes 1 argument")
                }
                return .int(
                    needle.isEmpty ? text.unicodeScalars.count + 1 : text.components(separatedBy: needle).count - 1)
            }
        case "format":
            return method(name) { arguments throws(JinjaFailure) in .string(try JinjaFormat.format(text, arguments)) }
        case "join":
            return method(name) { arguments throws(JinjaFailure) in
                guard let items = try arguments.value(0, "iterable")?.iterate() else {
                    throw .runtime("join() takes 1 argument")
                }
                return .string(items.map(\.pythonString).joined(separator: text))
            }
        case "isdigit", "isnumeric", "isdecimal":
            return method(name) { _ throws(JinjaFailure) in .bool(!text.isEmpty && text.allSatisfy(\.isNumber)) }
        case "isalpha":
            return method(name) { _ throws(JinjaFailure) in .bool(!text.isEmpty && text.allSatisfy(\.isLetter)) }
        case "isalnum":
            return method(name) { _ throws(JinjaFailure) in
                .bool(!text.isEmpty && text.allSatisfy { $0.isLetter || $0.isNumber })
            }
        case "isspace":
            return method(name) { _ throws(JinjaFailure) in .bool(!text.isEmpty && text.allSatisfy(\.isWhitespace)) }
        case "islower":
            return method(name) { _ throws(JinjaFailure) in
                .bool(text.contains(where: \.isLetter) && text == text.lowercased())
            }
        case "isupper":
            return method(name) { _ throws(JinjaFailure) in
                .bool(text.contains(where: \.isLetter) && text == text.uppercased())
            }
        default: return nil
        }
    }

    static func dictMethod(_ dict: JinjaDict, _ name: String) -> JinjaValue? {
        switch name {
        case "items":
            return method(name) { _ throws(JinjaFailure) in .list(dict.pairs.map { .tuple([$0.key.value, $0.value]) }) }
        case "keys": return method(name) { _ throws(JinjaFailure) in .list(dict.keys.map(\.value)) }
        case "values": return method(name) { _ throws(JinjaFailure) in .list(dict.pairs.map(\.value)) }
        case "get":
            return method(name) { arguments throws(JinjaFailure) in
                guard let key = arguments.value(0, "key") else { throw .runtime("get() takes at least 1 argument") }
                return JinjaKey(key).flatMap { dict[$0] } ?? arguments.value(1, "default") ?? .none
            }
        case "copy": return method(name) { _ throws(JinjaFailure) in .dict(dict) }
        default: return nil
        }
    }

    static func listMethod(_ items: [JinjaValue], _ name: String) -> JinjaValue? {
        switch name {
        case "index":
            return method(name) { arguments throws(JinjaFailure) in
                guard let value = arguments.value(0, "value"),
                    let index = items.firstIndex(where: { JinjaOperations.equals($0, value) })
                else {
                    throw .runtime("value is not in list")
                }
                return .int(index)
            }
        case "count":
            return method(name) { arguments throws(JinjaFailure) in
                guard let value = arguments.value(0, "value") else { throw .runtime("count() takes 1 argument") }
                return .int(items.filter { JinjaOperations.equals($0, value) }.count)
            }
        case "append", "pop", "insert", "extend", "remove", "clear", "sort", "reverse":
            return method(name) { _ throws(JinjaFailure) in
                throw .runtime(
                    "access to attribute '\(name)' of 'list' object is unsafe (templates cannot modify lists)")
            }
        default: return nil
        }
    }

    // MARK: - Python string algorithms

    static func strip(_ text: String, characters: String?, leading: Bool, trailing: Bool) -> String {
        let set: (Unicode.Scalar) -> Bool =
            if let characters { { characters.unicodeScalars.contains($0) } } else { { $0.properties.isWhitespace } }
        var scalars = Array(text.unicodeScalars)[...]
        if leading { while let first = scalars.first, set(first) { scalars.removeFirst() } }
        if trailing { while let last = scalars.last, set(last) { scalars.removeLast() } }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars)
        return String(result)
    }

    static func split(_ text: String, separator: String?, limit: Int, fromRight: Bool) -> [String] {
        guard let separator else {
            // Whitespace splitting drops empty strings.
            var parts = text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
            if limit >= 0 && parts.count > limit + 1 {
                // Python keeps the rest of the string, with its inner spacing, as the last (or first) part.
                var rest = fromRight ? Substring(text.reversed().map(String.init).joined()) : Substring(text)
                rest = rest.drop(while: { $0.isWhitespace })
                var result: [String] = []
                for _ in 0..<limit {
                    guard let end = rest.firstIndex(where: { $0.isWhitespace }) else { break }
                    result.append(String(rest[..<end]))
                    rest = rest[end...].drop(while: { $0.isWhitespace })
                }
                if !rest.isEmpty { result.append(String(rest)) }
                parts = fromRight ? result.reversed().map { String($0.reversed()) } : result
            }
            return parts
        }
        var parts = text.components(separatedBy: separator)
        if limit >= 0 && parts.count > limit + 1 {
            if fromRight {
                let tail = parts.suffix(limit)
                parts = [parts.dropLast(limit).joined(separator: separator)] + tail
            } else {
                let head = parts.prefix(limit)
                parts = Array(head) + [parts.dropFirst(limit).joined(separator: separator)]
            }
        }
        return parts
    }

    static func replace(_ text: String, _ old: String, _ new: String, count: Int) -> String {
        if count < 0 { return old.isEmpty ? text : text.replacingOccurrences(of: old, with: new) }
        var result = ""
        var rest = Substring(text)
        var done = 0
        while done < count, let range = rest.range(of: old), !old.isEmpty {
            result += rest[..<range.lowerBound] + new
            rest = rest[range.upperBound...]
            done += 1
        }
        return result + rest
    }

    /// Python's `str.title()`: a letter after a non-letter is upper-cased, other letters lower-cased.
    static func pythonTitle(_ text: String) -> String {
        var result = ""
        var previousCased = false
        for character in text {
            result += previousCased ? character.lowercased() : character.uppercased()
            previousCased = character.isLetter
        }
        return result
    }

    static func capitalize(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.uppercased() + text.dropFirst().lowercased()
    }
}
