import Foundation
import GRDB

/// MySQL functions SQLite lacks (or has with another meaning), registered on every episode's database.
enum DBMySQLFunctions {
    static func register(in db: Database) {
        for function in all { db.add(function: function) }
    }

    private static func text(_ value: DatabaseValue) -> String? {
        switch value.storage {
        case .null: return nil
        case .string(let text): return text
        case .int64(let number): return String(number)
        case .double(let number): return DBDatabase.mysqlText(.float(number))
        case .blob(let data): return String(decoding: data, as: UTF8.self)
        }
    }

    private static func number(_ value: DatabaseValue) -> Double? {
        switch value.storage {
        case .null: return nil
        case .int64(let number): return Double(number)
        case .double(let number): return number
        case .string(let text): return leadingNumber(text)
        case .blob: return 0
        }
    }

    /// MySQL's string-to-number rule: the longest numeric prefix, 0 when there is none.
    static func leadingNumber(_ text: String) -> Double {
        let trimmed = String(text.drop { $0 == " " })
        var prefix = ""
        var best = 0.0
        for character in trimmed {
            guard character.isASCII, character.isNumber || "+-.eE".contains(character) else { break }
            prefix.append(character)
            if let value = Double(prefix) { best = value }
        }
        return best
    }

    private static func now(_ format: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = format
        return formatter.string(from: Date())
    }

    /// The year, month or day of 'YYYY-MM-DD…' text, as MySQL reads a DATE.
    private static func datePart(_ value: DatabaseValue, _ range: Range<Int>) -> Int? {
        guard let text = text(value) else { return nil }
        let parts = text.prefix(10).split(separator: "-")
        guard parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else {
            return nil
        }
        return [year, month, day][range.lowerBound]
    }

    static let all: [DatabaseFunction] = [
        DatabaseFunction("sum", argumentCount: 1, pure: true, aggregate: DBMySQLSum.self),
        DatabaseFunction("concat", pure: true) { values in
            var out = ""
            for value in values {
                guard let piece = text(value) else { return nil }
                out += piece
            }
            return out
        },
        DatabaseFunction("concat_ws", pure: true) { values in
            guard let first = values.first, let separator = text(first) else { return nil }
            return values.dropFirst().compactMap(text).joined(separator: separator)
        },
        DatabaseFunction("md5", argumentCount: 1, pure: true) { values in
            text(values[0]).map(DBMD5.hex)
        },
        DatabaseFunction("now", argumentCount: 0) { _ in now("yyyy-MM-dd HH:mm:ss") },
        DatabaseFunction("sysdate", argumentCount: 0) { _ in now("yyyy-MM-dd HH:mm:ss") },
        DatabaseFunction("curdate", argumentCount: 0) { _ in now("yyyy-MM-dd") },
        DatabaseFunction("curtime", argumentCount: 0) { _ in now("HH:mm:ss") },
        DatabaseFunction("mysql_left", argumentCount: 2, pure: true) { values in
            guard let string = text(values[0]), let count = number(values[1]) else { return nil }
            return String(string.prefix(max(0, Int(count))))
        },
        DatabaseFunction("mysql_right", argumentCount: 2, pure: true) { values in
            guard let string = text(values[0]), let count = number(values[1]) else { return nil }
            return String(string.suffix(max(0, Int(count))))
        },
        DatabaseFunction("lcase", argumentCount: 1, pure: true) { values in text(values[0])?.lowercased() },
        DatabaseFunction("ucase", argumentCount: 1, pure: true) { values in text(values[0])?.uppercased() },
        DatabaseFunction("char_length", argumentCount: 1, pure: true) { values in text(values[0])?.count },
        DatabaseFunction("character_length", argumentCount: 1, pure: true) { values in text(values[0])?.count },
        DatabaseFunction("locate", pure: true) { values in
            guard values.count >= 2, let needle = text(values[0]), let haystack = text(values[1]) else { return nil }
            let start = values.count > 2 ? max(1, Int(number(values[2]) ?? 1)) : 1
            let characters = Array(haystack)
            let target = Array(needle)
            guard !target.isEmpty else { return start }
            var index = start - 1
            while index + target.count <= characters.count {
                if Array(characters[index..<index + target.count]).map({ $0.lowercased() })
                    == target.map({ $0.lowercased() }) { return index + 1 }
                index += 1
            }
            return 0
        },
        DatabaseFunction("find_in_set", argumentCount: 2, pure: true) { values in
            guard let needle = text(values[0]), let list = text(values[1]) else { return nil }
            let items = list.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return (items.firstIndex { $0.caseInsensitiveCompare(needle) == .orderedSame }).map { $0 + 1 } ?? 0
        },
        // `a REGEXP b` calls regexp(b, a); MySQL's REGEXP ignores case under the default collation.
        DatabaseFunction("regexp", argumentCount: 2, pure: true) { values in
            guard let pattern = text(values[0]), let subject = text(values[1]) else { return nil }
            let regex = try NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
            let range = NSRange(subject.startIndex..., in: subject)
            return regex.firstMatch(in: subject, range: range) != nil ? 1 : 0
        },
        DatabaseFunction("year", argumentCount: 1, pure: true) { values in datePart(values[0], 0..<1) },
        DatabaseFunction("month", argumentCount: 1, pure: true) { values in datePart(values[0], 1..<2) },
        DatabaseFunction("day", argumentCount: 1, pure: true) { values in datePart(values[0], 2..<3) },
        DatabaseFunction("dayofmonth", argumentCount: 1, pure: true) { values in datePart(values[0], 2..<3) },
        DatabaseFunction("floor", argumentCount: 1, pure: true) { values in number(values[0]).map { Int64($0.rounded(.down)) } },
        DatabaseFunction("ceil", argumentCount: 1, pure: true) { values in number(values[0]).map { Int64($0.rounded(.up)) } },
        DatabaseFunction("ceiling", argumentCount: 1, pure: true) { values in number(values[0]).map { Int64($0.rounded(.up)) } },
        DatabaseFunction("truncate", argumentCount: 2, pure: true) { values in
            guard let value = number(values[0]), let places = number(values[1]) else { return nil }
            let scale = pow(10.0, places)
            return (value * scale).rounded(.towardZero) / scale
        },
        DatabaseFunction("mod", argumentCount: 2, pure: true) { values in
            guard let a = number(values[0]), let b = number(values[1]), b != 0 else { return nil }
            return a.truncatingRemainder(dividingBy: b)
        },
        DatabaseFunction("pow", argumentCount: 2, pure: true) { values in
            guard let a = number(values[0]), let b = number(values[1]) else { return nil }
            return pow(a, b)
        },
        DatabaseFunction("power", argumentCount: 2, pure: true) { values in
            guard let a = number(values[0]), let b = number(values[1]) else { return nil }
            return pow(a, b)
        },
        DatabaseFunction("sqrt", argumentCount: 1, pure: true) { values in
            guard let a = number(values[0]), a >= 0 else { return nil }
            return a.squareRoot()
        },
    ]
}

/// MySQL's SUM: text values are read as numbers by MySQL's prefix rule and make the sum a DOUBLE (printed as
/// `5.0`); a sum of integers stays an integer. (SQLite's own sum returns 5 for text '5'.) Being an application
/// function, it cannot be used as a window function (`SUM(x) OVER (…)`).
struct DBMySQLSum: DatabaseAggregate {
    private var integerTotal = 0
    private var doubleTotal = 0.0
    private var sawValue = false
    private var integersOnly = true

    init() {}

    mutating func step(_ dbValues: [DatabaseValue]) throws {
        guard let value = dbValues.first else { return }
        switch value.storage {
        case .null:
            return
        case .int64(let number):
            let (sum, overflow) = integerTotal.addingReportingOverflow(Int(number))
            if overflow { integersOnly = false } else { integerTotal = sum }
            doubleTotal += Double(number)
        case .double(let number):
            integersOnly = false
            doubleTotal += number
        case .string(let text):
            integersOnly = false
            doubleTotal += DBMySQLFunctions.leadingNumber(text)
        case .blob:
            integersOnly = false
        }
        sawValue = true
    }

    func finalize() throws -> (any DatabaseValueConvertible)? {
        guard sawValue else { return nil }
        return integersOnly ? integerTotal : doubleTotal
    }
}
