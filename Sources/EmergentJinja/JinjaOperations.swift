import Foundation

/// Python's operators, attribute and item access, as jinja2 applies them.
enum JinjaOperations {
    static func attribute(of value: JinjaValue, _ name: String) throws(JinjaFailure) -> JinjaValue {
        switch value.plain {
        case .undefined(let undefinedName):
            throw .runtime("'\(undefinedName)' is undefined")
        case .dict(let dict):
            // Python looks up methods before keys: `message.items` is the method, `message.content` the key.
            if let method = JinjaMethods.dictMethod(dict, name) { return method }
            return dict[name] ?? .undefined(name)
        case .string(let text):
            return JinjaMethods.stringMethod(text, name) ?? .undefined(name)
        case .list(let items), .tuple(let items):
            return JinjaMethods.listMethod(items, name) ?? .undefined(name)
        case .namespace(let namespace):
            return namespace.attributes[name] ?? .undefined(name)
        default:
            return .undefined(name)
        }
    }

    static func item(of value: JinjaValue, _ key: JinjaValue) throws(JinjaFailure) -> JinjaValue {
        let key = key.plain
        switch value.plain {
        case .undefined(let name):
            throw .runtime("'\(name)' is undefined")
        case .list(let items), .tuple(let items):
            guard let index = integer(key) else {
                if case .string(let name) = key { return try attribute(of: value, name) }
                throw .runtime("list indices must be integers, not \(key.typeName)")
            }
            let resolved = index < 0 ? items.count + index : index
            return items.indices.contains(resolved) ? items[resolved] : .undefined("[\(index)]")
        case .string(let text):
            guard let index = integer(key) else {
                if case .string(let name) = key { return try attribute(of: value, name) }
                throw .runtime("string indices must be integers")
            }
            let scalars = Array(text.unicodeScalars)
            let resolved = index < 0 ? scalars.count + index : index
            return scalars.indices.contains(resolved) ? .string(String(scalars[resolved])) : .undefined("[\(index)]")
        case .dict(let dict):
            if let hashable = JinjaKey(key), let found = dict[hashable] { return found }
            if case .string(let name) = key, let method = JinjaMethods.dictMethod(dict, name) { return method }
            return .undefined(key.pythonString)
        case .namespace(let namespace):
            if case .string(let name) = key { return namespace.attributes[name] ?? .undefined(name) }
            return .undefined(key.pythonString)
        case .iterator:
            throw .runtime("'generator' object is not subscriptable")
        default:
            return .undefined(key.pythonString)
        }
    }

    static func integer(_ value: JinjaValue) -> Int? {
        switch value {
        case .int(let number): number
        case .bool(let flag): flag ? 1 : 0
        default: nil
        }
    }

    static func slice(_ value: JinjaValue, start: JinjaValue?, stop: JinjaValue?, step: JinjaValue?)
        throws(JinjaFailure) -> JinjaValue
    {
        func bound(_ value: JinjaValue?) throws(JinjaFailure) -> Int? {
            guard let value else { return nil }
            guard let number = integer(value) else { throw .runtime("slice indices must be integers or None") }
            return number
        }
        let step = try bound(step) ?? 1
        guard step != 0 else { throw .runtime("slice step cannot be zero") }
        func indices(count: Int) throws(JinjaFailure) -> [Int] {
            func clamp(_ raw: Int?, _ defaultValue: Int) -> Int {
                guard var index = raw else { return defaultValue }
                if index < 0 { index += count }
                return step > 0 ? min(max(index, 0), count) : min(max(index, -1), count - 1)
            }
            let from = clamp(try bound(start), step > 0 ? 0 : count - 1)
            let to = clamp(try bound(stop), step > 0 ? count : -1)
            return Array(Swift.stride(from: from, to: to, by: step))
        }
        switch value.plain {
        case .list(let items): return .list(try indices(count: items.count).map { items[$0] })
        case .tuple(let items): return .tuple(try indices(count: items.count).map { items[$0] })
        case .string(let text):
            let scalars = Array(text.unicodeScalars)
            var result = String.UnicodeScalarView()
            for index in try indices(count: scalars.count) { result.append(scalars[index]) }
            return .string(String(result))
        case .undefined(let name): throw .runtime("'\(name)' is undefined")
        default: throw .runtime("'\(value.typeName)' object is not subscriptable")
        }
    }

    static func negate(_ value: JinjaValue) throws(JinjaFailure) -> JinjaValue {
        switch value {
        case .int(let number): return .int(-number)
        case .double(let number): return .double(-number)
        case .bool(let flag): return .int(flag ? -1 : 0)
        default: throw .runtime("bad operand type for unary -: '\(value.typeName)'")
        }
    }

    static func number(_ value: JinjaValue) -> Double? {
        switch value {
        case .int(let number): Double(number)
        case .double(let number): number
        case .bool(let flag): flag ? 1 : 0
        default: nil
        }
    }

    static func binary(_ op: String, _ left: JinjaValue, _ right: JinjaValue) throws(JinjaFailure) -> JinjaValue {
        if case .undefined(let name) = left { throw .runtime("'\(name)' is undefined") }
        if case .undefined(let name) = right { throw .runtime("'\(name)' is undefined") }
        // markupsafe: adding a plain string to a Markup string escapes the plain one.
        if op == "+" {
            switch (left, right) {
            case (.markup(let a), .markup(let b)): return .markup(a + b)
            case (.markup(let a), .string(let b)): return .markup(a + JinjaFilters.escapeHTML(b))
            case (.string(let a), .markup(let b)): return .markup(JinjaFilters.escapeHTML(a) + b)
            default: break
            }
        }
        let left = left.plain
        let right = right.plain
        switch (op, left, right) {
        case ("+", .string(let a), .string(let b)): return .string(a + b)
        case ("+", .list(let a), .list(let b)): return .list(a + b)
        case ("+", .tuple(let a), .tuple(let b)): return .tuple(a + b)
        case ("*", .string(let text), _), ("*", _, .string(let text)):
            guard let count = integer(op == "*" && integer(right) != nil ? right : left) else { break }
            return .string(String(repeating: text, count: max(count, 0)))
        case ("*", .list(let items), _):
            guard let count = integer(right) else { break }
            return .list(Array(repeatElement(items, count: max(count, 0)).joined()))
        case ("%", .string(let format), _):
            return .string(try JinjaFormat.percent(format, right))
        default: break
        }
        let bothIntegers = integer(left) != nil && integer(right) != nil
        guard let a = number(left), let b = number(right) else {
            throw .runtime("unsupported operand type(s) for \(op): '\(left.typeName)' and '\(right.typeName)'")
        }
        switch op {
        case "+": return bothIntegers ? .int(integer(left)! &+ integer(right)!) : .double(a + b)
        case "-": return bothIntegers ? .int(integer(left)! &- integer(right)!) : .double(a - b)
        case "*": return bothIntegers ? .int(integer(left)! &* integer(right)!) : .double(a * b)
        case "/":
            guard b != 0 else { throw .runtime("division by zero") }
            return .double(a / b)
        case "//":
            guard b != 0 else { throw .runtime("integer division or modulo by zero") }
            return bothIntegers ? .int(Int((a / b).rounded(.down))) : .double((a / b).rounded(.down))
        case "%":
            guard b != 0 else { throw .runtime("integer division or modulo by zero") }
            let remainder = a - b * (a / b).rounded(.down)
            return bothIntegers ? .int(Int(remainder)) : .double(remainder)
        case "**":
            let result = pow(a, b)
            return bothIntegers && b >= 0 ? .int(Int(result)) : .double(result)
        default: throw .runtime("unknown operator \(op)")
        }
    }

    static func equals(_ left: JinjaValue, _ right: JinjaValue) -> Bool {
        switch (left.plain, right.plain) {
        case (.undefined, .undefined), (.none, .none): return true
        case (.string(let a), .string(let b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case (.list(let a), .list(let b)), (.tuple(let a), .tuple(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { equals($0, $1) }
        case (.dict(let a), .dict(let b)):
            return a.count == b.count
                && a.pairs.allSatisfy { pair in b[pair.key].map { equals(pair.value, $0) } ?? false }
        case (.namespace(let a), .namespace(let b)): return a === b
        default:
            if let a = number(left), let b = number(right) { return a == b }
            return false
        }
    }

    static func compare(_ op: String, _ left: JinjaValue, _ right: JinjaValue) throws(JinjaFailure) -> Bool {
        switch op {
        case "==": return equals(left, right)
        case "!=": return !equals(left, right)
        case "in": return try contains(right, left)
        case "notin": return try !contains(right, left)
        default: break
        }
        let order: Int
        switch (left.plain, right.plain) {
        case (.string(let a), .string(let b)):
            order = a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) ? -1 : (equals(left, right) ? 0 : 1)
        case (.list(let a), .list(let b)), (.tuple(let a), .tuple(let b)):
            order = try sequenceOrder(a, b)
        default:
            guard let a = number(left), let b = number(right) else {
                throw .runtime("'\(op)' not supported between instances of '\(left.typeName)' and '\(right.typeName)'")
            }
            order = a < b ? -1 : (a == b ? 0 : 1)
        }
        switch op {
        case "<": return order < 0
        case "<=": return order <= 0
        case ">": return order > 0
        case ">=": return order >= 0
        default: throw .runtime("unknown comparison \(op)")
        }
    }

    private static func sequenceOrder(_ a: [JinjaValue], _ b: [JinjaValue]) throws(JinjaFailure) -> Int {
        for (x, y) in zip(a, b) where !equals(x, y) {
            return try compare("<", x, y) ? -1 : 1
        }
        return a.count < b.count ? -1 : (a.count == b.count ? 0 : 1)
    }

    static func contains(_ container: JinjaValue, _ element: JinjaValue) throws(JinjaFailure) -> Bool {
        switch container.plain {
        case .string(let text):
            guard case .string(let needle) = element.plain else {
                throw .runtime("'in <string>' requires string as left operand, not \(element.typeName)")
            }
            return needle.isEmpty || text.contains(needle)
        case .list(let items), .tuple(let items), .iterator(let items): return items.contains { equals($0, element) }
        case .dict(let dict): return JinjaKey(element).map { dict[$0] != nil } ?? false
        case .undefined: return false
        default: throw .runtime("argument of type '\(container.typeName)' is not iterable")
        }
    }
}

extension JinjaValue {
    /// Python's `str()`.
    public var pythonString: String {
        switch self {
        case .undefined: ""
        case .string(let text), .markup(let text): text
        default: pythonRepr
        }
    }

    /// Python's `repr()`.
    public var pythonRepr: String {
        switch self {
        case .undefined: ""
        case .none: "None"
        case .bool(let flag): flag ? "True" : "False"
        case .int(let number): String(number)
        case .double(let number): PythonRepr.float(number)
        case .string(let text): PythonRepr.string(text)
        case .markup(let text): "Markup(\(PythonRepr.string(text)))"
        case .iterator: "<generator object select_or_reject>"
        case .list(let items): "[" + items.map(\.pythonRepr).joined(separator: ", ") + "]"
        case .tuple(let items):
            items.count == 1 ? "(\(items[0].pythonRepr),)" : "(" + items.map(\.pythonRepr).joined(separator: ", ") + ")"
        case .dict(let dict):
            "{" + dict.pairs.map { "\($0.key.value.pythonRepr): \($0.value.pythonRepr)" }.joined(separator: ", ") + "}"
        case .namespace(let namespace): "<Namespace \(JinjaValue.dict(namespace.attributes).pythonRepr)>"
        case .callable(let callable): "<function \(callable.name)>"
        }
    }
}
