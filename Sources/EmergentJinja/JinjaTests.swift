/// jinja2's tests (`x is defined`, `n is divisibleby 3`, …).
enum JinjaTests {
    static func apply(_ name: String, to value: JinjaValue, arguments: [JinjaValue]) throws(JinjaFailure) -> Bool {
        let value = value.plain
        let arguments = arguments.map(\.plain)
        func argument() throws(JinjaFailure) -> JinjaValue {
            guard let first = arguments.first else { throw .runtime("test '\(name)' needs an argument") }
            return first
        }
        switch name {
        case "defined": return !value.isUndefined
        case "undefined": return value.isUndefined
        case "none": return value.isNone
        case "string":
            if case .string = value { return true }
            return false
        case "number":
            switch value {
            case .int, .double, .bool: return true
            default: return false
            }
        case "integer":
            if case .int = value { return true }
            return false
        case "float":
            if case .double = value { return true }
            return false
        case "boolean":
            if case .bool = value { return true }
            return false
        case "true":
            if case .bool(true) = value { return true }
            return false
        case "false":
            if case .bool(false) = value { return true }
            return false
        case "mapping":
            if case .dict = value { return true }
            return false
        case "iterable":
            switch value {
            case .list, .tuple, .dict, .string, .iterator: return true
            default: return false
            }
        case "sequence":
            switch value {
            case .list, .tuple, .dict, .string: return true
            default: return false
            }
        case "callable":
            if case .callable = value { return true }
            return false
        case "odd", "even":
            guard let number = JinjaOperations.integer(value) else { throw .runtime("'\(name)' test needs an integer") }
            return name == "odd" ? number % 2 != 0 : number % 2 == 0
        case "divisibleby":
            guard let number = JinjaOperations.integer(value), let divisor = JinjaOperations.integer(try argument()),
                divisor != 0
            else {
                throw .runtime("'divisibleby' test needs integers")
            }
            return number % divisor == 0
        case "equalto", "eq", "==", "sameas": return JinjaOperations.equals(value, try argument())
        case "ne", "!=": return !JinjaOperations.equals(value, try argument())
        case "lt", "<", "lessthan": return try JinjaOperations.compare("<", value, try argument())
        case "le", "<=": return try JinjaOperations.compare("<=", value, try argument())
        case "gt", ">", "greaterthan": return try JinjaOperations.compare(">", value, try argument())
        case "ge", ">=": return try JinjaOperations.compare(">=", value, try argument())
        case "in": return try JinjaOperations.contains(try argument(), value)
        case "lower":
            if case .string(let text) = value { return text == text.lowercased() }
            return false
        case "upper":
            if case .string(let text) = value { return text == text.uppercased() }
            return false
        case "escaped": return false
        default: throw .runtime("no test named '\(name)'")
        }
    }
}
