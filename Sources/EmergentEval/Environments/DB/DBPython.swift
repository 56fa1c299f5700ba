import EmergentJinja
import Foundation

/// A Python value as AgentBench sees it: MySQL rows (printed with `str()`) and the agent's `Final Answer:` text
/// (read with `eval`). Only literals exist here: no expressions are ever evaluated.
indirect enum DBPyValue: Sendable, Hashable {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case list([DBPyValue])
    case tuple([DBPyValue])

    /// Python's `repr`.
    var repr: String {
        switch self {
        case .none: return "None"
        case .bool(let flag): return flag ? "True" : "False"
        case .int(let number): return String(number)
        case .float(let number): return PythonRepr.float(number)
        case .string(let text): return PythonRepr.string(text)
        case .list(let items): return "[" + items.map(\.repr).joined(separator: ", ") + "]"
        case .tuple(let items):
            return items.count == 1 ? "(\(items[0].repr),)" : "(" + items.map(\.repr).joined(separator: ", ") + ")"
        }
    }

    /// The number Python's `float(value)` gives, or nil where it raises.
    var pythonFloat: Double? {
        switch self {
        case .int(let number): return Double(number)
        case .float(let number): return number
        case .bool(let flag): return flag ? 1 : 0
        case .string(let text): return DBPython.parseFloat(text)
        case .none, .list, .tuple: return nil
        }
    }

    /// Python's `==` between two values (numbers compare across int, float and bool).
    func pythonEquals(_ other: DBPyValue) -> Bool {
        switch (self, other) {
        case (.string(let a), .string(let b)): return a == b
        case (.none, .none): return true
        case (.list(let a), .list(let b)), (.tuple(let a), .tuple(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.pythonEquals($1) }
        default:
            if let a = numeric, let b = other.numeric { return a == b }
            return false
        }
    }

    private var numeric: Double? {
        switch self {
        case .int(let number): return Double(number)
        case .float(let number): return number
        case .bool(let flag): return flag ? 1 : 0
        default: return nil
        }
    }

    /// Whether Python could put the value in a set.
    var isHashable: Bool {
        switch self {
        case .list: return false
        case .tuple(let items): return items.allSatisfy(\.isHashable)
        default: return true
        }
    }
}

/// Python's text forms and a small reader for Python literals.
enum DBPython {
    /// Python's `float(text)`: surrounding whitespace allowed, `inf`/`nan` spelled in any case, `_` between digits.
    static func parseFloat(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        let lowered = trimmed.lowercased()
        guard !lowered.hasPrefix("0x"), !lowered.hasPrefix("+0x"), !lowered.hasPrefix("-0x") else { return nil }
        var cleaned = ""
        var previous: Character = " "
        for (offset, character) in trimmed.enumerated() {
            if character == "_" {
                let next = trimmed.dropFirst(offset + 1).first
                guard previous.isNumber, let next, next.isNumber else { return nil }
                previous = character
                continue
            }
            cleaned.append(character)
            previous = character
        }
        return Double(cleaned)
    }

    /// Reads `text` as one Python literal (what `eval` accepts for lists, tuples, strings, numbers, None, True,
    /// False), or nil where `eval` would fail or would compute something.
    static func evalLiteral(_ text: String) -> DBPyValue? {
        var reader = DBPythonReader(Array(text.unicodeScalars))
        reader.skipSpace()
        guard let value = reader.value() else { return nil }
        reader.skipSpace()
        return reader.atEnd ? value : nil
    }
}

/// The recursive-descent reader behind `DBPython.evalLiteral`.
struct DBPythonReader {
    private let scalars: [Unicode.Scalar]
    private var position = 0

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    var atEnd: Bool { position >= scalars.count }
    private var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    mutating func skipSpace() {
        while let scalar = current, scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
            position += 1
        }
    }

    mutating func value() -> DBPyValue? {
        guard let scalar = current else { return nil }
        switch scalar {
        case "[": return sequence(close: "]").map(DBPyValue.list)
        case "(":
            guard let (items, trailingComma) = sequenceWithComma(close: ")") else { return nil }
            // (x) is x; (x,) and (x, y) are tuples.
            return items.count == 1 && !trailingComma ? items[0] : .tuple(items)
        case "'", "\"": return string()
        default:
            if let word = word() { return word }
            return number()
        }
    }

    private mutating func sequence(close: Unicode.Scalar) -> [DBPyValue]? {
        sequenceWithComma(close: close)?.0
    }

    private mutating func sequenceWithComma(close: Unicode.Scalar) -> ([DBPyValue], Bool)? {
        position += 1
        var items: [DBPyValue] = []
        var trailingComma = false
        skipSpace()
        if current == close {
            position += 1
            return (items, false)
        }
        while true {
            skipSpace()
            if current == close && !items.isEmpty {
                position += 1
                return (items, trailingComma)
            }
            guard let item = value() else { return nil }
            items.append(item)
            trailingComma = false
            skipSpace()
            if current == "," {
                position += 1
                trailingComma = true
                continue
            }
            guard current == close else { return nil }
            position += 1
            return (items, false)
        }
    }

    private mutating func string() -> DBPyValue? {
        var text = ""
        // Adjacent literals concatenate, as in Python ('a' 'b' == 'ab').
        repeat {
            guard let quote = current else { return nil }
            position += 1
            while true {
                guard let scalar = current else { return nil }
                position += 1
                if scalar == quote { break }
                if scalar == "\n" { return nil }
                if scalar == "\\" {
                    guard let escaped = current else { return nil }
                    position += 1
                    switch escaped {
                    case "n": text += "\n"
                    case "t": text += "\t"
                    case "r": text += "\r"
                    case "0": text += "\0"
                    case "\\", "'", "\"": text.unicodeScalars.append(escaped)
                    case "\n": break
                    default:
                        text += "\\"
                        text.unicodeScalars.append(escaped)
                    }
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
            let save = position
            skipSpace()
            if current != "'" && current != "\"" {
                position = save
                break
            }
        } while true
        return .string(text)
    }

    private mutating func word() -> DBPyValue? {
        for (name, value) in [("None", DBPyValue.none), ("True", .bool(true)), ("False", .bool(false))] {
            let letters = Array(name.unicodeScalars)
            if position + letters.count <= scalars.count && Array(scalars[position..<position + letters.count]) == letters {
                let after = position + letters.count < scalars.count ? scalars[position + letters.count] : " "
                if after.properties.isAlphabetic || after == "_" || ("0"..."9").contains(after) { continue }
                position += letters.count
                return value
            }
        }
        return nil
    }

    private mutating func number() -> DBPyValue? {
        let start = position
        if current == "-" || current == "+" { position += 1 }
        var sawDigit = false
        var isFloat = false
        while let scalar = current {
            if ("0"..."9").contains(scalar) || scalar == "_" {
                sawDigit = sawDigit || scalar != "_"
            } else if scalar == "." || scalar == "e" || scalar == "E" {
                isFloat = true
            } else if (scalar == "-" || scalar == "+") && (scalars[position - 1] == "e" || scalars[position - 1] == "E") {
                // exponent sign
            } else {
                break
            }
            position += 1
        }
        guard sawDigit else { return nil }
        let text = String(String.UnicodeScalarView(scalars[start..<position])).replacingOccurrences(of: "_", with: "")
        if isFloat { return Double(text).map(DBPyValue.float) }
        if let integer = Int(text) { return .int(integer) }
        return Double(text).map(DBPyValue.float)
    }
}
