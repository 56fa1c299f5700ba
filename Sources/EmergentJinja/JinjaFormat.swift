import Foundation

/// Python's text formatting: `%`-formatting and `str.format` (`repr` of floats and strings is `PythonRepr`).
enum JinjaFormat {
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
