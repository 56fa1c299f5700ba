import Foundation

/// Python's text formatting: `repr` of floats and strings, `%`-formatting and `str.format`.
enum JinjaFormat {
    /// Python's `repr(float)`: the shortest round-tripping form, always with a decimal point or exponent.
    static func pythonFloat(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == value.rounded(), abs(value) < 1e16 {
            return String(format: "%.1f", value)
        }
        var text = "\(value)"  // Swift's description is also shortest-round-trip
        // Swift writes 1e-05 as "1e-05" like Python; Python writes exponents with a sign and at least 2 digits.
        if let e = text.firstIndex(of: "e") {
            let mantissa = text[..<e]
            var exponent = String(text[text.index(after: e)...])
            var sign = "+"
            if exponent.hasPrefix("-") {
                sign = "-"
                exponent.removeFirst()
            } else if exponent.hasPrefix("+") {
                exponent.removeFirst()
            }
            if exponent.count < 2 { exponent = "0" + exponent }
            text = "\(mantissa)e\(sign)\(exponent)"
        }
        return text
    }

    /// Python's `repr(str)`: single quotes unless the text holds a single quote and no double quote.
    static func pythonStringRepr(_ text: String) -> String {
        let quote: Character = text.contains("'") && !text.contains("\"") ? "\"" : "'"
        var result = String(quote)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if Character(scalar) == quote {
                    result += "\\" + String(quote)
                } else if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += String(format: "\\x%02x", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        result.append(quote)
        return result
    }

    /// `format % values` for the conversions templates use: %s %r %d %i %f %x %%.
    static func percent(_ format: String, _ values: JinjaValue) throws(JinjaFailure) -> String {
        var arguments: [JinjaValue]
        if case .tuple(let items) = values { arguments = items } else { arguments = [values] }
        var result = ""
        var scalars = Array(format.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            guard scalar == "%" else {
                result.unicodeScalars.append(scalar)
                continue
            }
            var spec = ""
            while let next = scalars.first, "0123456789.-+ #".unicodeScalars.contains(next) {
                spec.unicodeScalars.append(next)
                scalars.removeFirst()
            }
            guard let conversion = scalars.popFirst() else { throw .runtime("incomplete format") }
            if conversion == "%" {
                result += "%"
                continue
            }
            guard !arguments.isEmpty else { throw .runtime("not enough arguments for format string") }
            let argument = arguments.removeFirst()
            switch conversion {
            case "s": result += argument.pythonString
            case "r": result += argument.pythonRepr
            case "d", "i":
                guard let number = JinjaOperations.number(argument) else {
                    throw .runtime("%d format: a number is required")
                }
                result += String(format: "%\(spec)ld", Int(number))
            case "f", "e", "g", "x":
                guard let number = JinjaOperations.number(argument) else {
                    throw .runtime("%\(conversion) format: a number is required")
                }
                result +=
                    conversion == "x"
                    ? String(format: "%\(spec)lx", Int(number)) : String(format: "%\(spec)\(conversion)", number)
            default: throw .runtime("unsupported format character '\(conversion)'")
            }
        }
        return result
    }

    /// Python's `str.format` with `{}`, `{0}`, `{name}` and `{{`/`}}`.
    static func format(_ template: String, _ arguments: JinjaArguments) throws(JinjaFailure) -> String {
        var result = ""
        var automatic = 0
        var scalars = Array(template.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            if scalar == "{" {
                if scalars.first == "{" {
                    scalars.removeFirst()
                    result += "{"
                    continue
                }
                var field = ""
                while let next = scalars.popFirst(), next != "}" { field.unicodeScalars.append(next) }
                let name = field.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
                let value: JinjaValue?
                if name.isEmpty {
                    value = automatic < arguments.positional.count ? arguments.positional[automatic] : nil
                    automatic += 1
                } else if let index = Int(name) {
                    value = index < arguments.positional.count ? arguments.positional[index] : nil
                } else {
                    value = arguments.keyword.first { $0.0 == name }?.1
                }
                guard let value else { throw .runtime("format: no value for field '{\(field)}'") }
                result += value.pythonString
            } else if scalar == "}" {
                if scalars.first == "}" { scalars.removeFirst() }
                result += "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
