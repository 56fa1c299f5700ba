import Foundation

/// Answer comparisons: the match rules of Emergent's task format and AgentBench's generic check scripts
/// (`integer-match.py`, `string-match.py`, `size-match.py`, `containing.py`, `in.py`), evaluated natively.
enum OSMatching {
    /// Whether `answer` satisfies `match`.
    static func matches(_ answer: String, _ match: OSMatch) -> Bool {
        let given = match.strip ? answer.trimmingCharacters(in: .whitespacesAndNewlines) : answer
        switch match.rule {
        case .exact: return given == match.answer
        case .string: return normalized(given) == normalized(match.answer)
        case .integer: return integersEqual(given, match.answer)
        case .float:
            guard let a = Double(given.trimmingCharacters(in: .whitespacesAndNewlines)),
                  let b = Double(match.answer.trimmingCharacters(in: .whitespacesAndNewlines)) else { return false }
            return abs(a - b) <= (match.tolerance ?? 1e-5)
        case .size: return sizesEqual(given, match.answer)
        case .contains: return normalized(given).contains(normalized(match.answer))
        case .regex:
            guard let regex = try? NSRegularExpression(pattern: match.answer) else { return false }
            return regex.firstMatch(in: given, range: NSRange(given.startIndex..., in: given)) != nil
        }
    }

    /// AgentBench's generic check `name` over its parameters (the agent's answer, then the example's output).
    static func builtin(_ name: String, _ parameters: [String]) -> Bool {
        guard parameters.count >= 2 else { return false }
        let first = parameters[0]
        let second = parameters[1]
        switch name {
        case "integer-match": return integersEqual(first, second)
        case "string-match": return normalized(first) == normalized(second)
        case "size-match": return sizesEqual(first, second)
        case "containing": return normalized(first).contains(normalized(second))
        case "in": return normalized(second).contains(normalized(first))
        default: return false
        }
    }

    /// CRLF and CR become LF, then surrounding whitespace goes (string-match's normalisation).
    static func normalized(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Python's `int(text)`: surrounding whitespace, an optional sign, digits (underscores between digits).
    static func integer(_ text: String) -> Int? {
        var body = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        var negative = false
        if let sign = body.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            body = body.dropFirst()
        }
        guard let first = body.first, first.isASCII, first.isNumber, let last = body.last, last != "_",
              !body.contains("__") else { return nil }
        let digits = body.filter { $0 != "_" }
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(digits) else { return nil }
        return negative ? -value : value
    }

    static func integersEqual(_ a: String, _ b: String) -> Bool {
        guard let x = integer(a), let y = integer(b) else { return false }
        return x == y
    }

    private static let units: [(String, Double)] = [
        ("Byte", 1), ("KB", 1024), ("MB", 1_048_576), ("GB", 1_073_741_824), ("TB", 1_099_511_627_776),
        ("PB", 1_125_899_906_842_624), ("B", 1), ("K", 1024), ("M", 1_048_576), ("G", 1_073_741_824),
        ("T", 1_099_511_627_776), ("P", 1_125_899_906_842_624),
    ]

    /// A human-readable size in bytes: a number (decimals allowed, as `du -h` prints them) and an optional unit
    /// (B, Byte, K/KB, M/MB, G/GB, T/TB, P/PB; powers of 1024).
    static func bytes(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        for (unit, factor) in units where trimmed.hasSuffix(unit) {
            let number = trimmed.dropLast(unit.count).trimmingCharacters(in: .whitespaces)
            guard let value = Double(number), value.isFinite else { return nil }
            return value * factor
        }
        guard let value = Double(trimmed), value.isFinite else { return nil }
        return value
    }

    static func sizesEqual(_ a: String, _ b: String) -> Bool {
        guard let x = bytes(a), let y = bytes(b) else { return false }
        return x == y
    }
}
