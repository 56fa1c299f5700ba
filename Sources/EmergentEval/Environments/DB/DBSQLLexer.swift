/// One token of MySQL text. `text` is the token as written; `value` is the decoded content of quoted tokens.
struct DBSQLToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case whitespace, comment, word, number, symbol
        /// `'…'`: a string.
        case string
        /// `"…"`: a string in MySQL's default mode.
        case doubleQuoted
        /// `` `…` ``: a quoted name.
        case backtickIdentifier
        /// `[…]`: a quoted name in SQL Server's style (SQLite accepts it; MySQL does not).
        case bracketIdentifier
    }

    var kind: Kind
    var text: String
    var value: String

    var isTrivia: Bool { kind == .whitespace || kind == .comment }
    var isComment: Bool { kind == .comment }
    func isSymbol(_ symbol: String) -> Bool { kind == .symbol && text == symbol }

    /// The name a token stands for, unquoted.
    var identifierName: String {
        switch kind {
        case .backtickIdentifier, .bracketIdentifier, .doubleQuoted, .string: return value
        default: return text
        }
    }
}

/// Splits MySQL text into tokens, reading strings and comments by MySQL's rules.
enum DBSQLLexer {
    static func tokenize(_ sql: String) throws(DBTranslationError) -> [DBSQLToken] {
        let chars = Array(sql)
        var tokens: [DBSQLToken] = []
        var index = 0
        func peek(_ offset: Int = 0) -> Character? {
            index + offset < chars.count ? chars[index + offset] : nil
        }
        while index < chars.count {
            let char = chars[index]
            let start = index
            if char.isWhitespace {
                while let next = peek(), next.isWhitespace { index += 1 }
                tokens.append(DBSQLToken(kind: .whitespace, text: String(chars[start..<index]), value: ""))
            } else if char == "#" || (char == "-" && peek(1) == "-" && (peek(2) == nil || peek(2)?.isWhitespace == true)) {
                while let next = peek(), next != "\n" { index += 1 }
                tokens.append(DBSQLToken(kind: .comment, text: String(chars[start..<index]), value: ""))
            } else if char == "/" && peek(1) == "*" {
                index += 2
                while index < chars.count && !(chars[index] == "*" && peek(1) == "/") { index += 1 }
                guard index < chars.count else { throw DBTranslationError(message: "A /* comment is never closed.") }
                index += 2
                tokens.append(DBSQLToken(kind: .comment, text: String(chars[start..<index]), value: ""))
            } else if char == "'" || char == "\"" || char == "`" {
                index += 1
                var value = ""
                var closed = false
                while index < chars.count {
                    let current = chars[index]
                    if current == char {
                        if peek(1) == char {
                            value.append(char)
                            index += 2
                            continue
                        }
                        index += 1
                        closed = true
                        break
                    }
                    if current == "\\" && char != "`", let escaped = peek(1) {
                        value += unescape(escaped)
                        index += 2
                        continue
                    }
                    value.append(current)
                    index += 1
                }
                guard closed else {
                    throw DBTranslationError(message: "A quoted text starting with \(char) is never closed.")
                }
                let kind: DBSQLToken.Kind = char == "'" ? .string : char == "\"" ? .doubleQuoted : .backtickIdentifier
                tokens.append(DBSQLToken(kind: kind, text: String(chars[start..<index]), value: value))
            } else if char == "[" {
                guard let close = chars[index...].firstIndex(of: "]") else {
                    throw DBTranslationError(message: "A [ is never closed.")
                }
                index = close + 1
                tokens.append(DBSQLToken(kind: .bracketIdentifier, text: String(chars[start..<index]),
                                         value: String(chars[(start + 1)..<close])))
            } else if char.isNumber && char.isASCII || (char == "." && peek(1)?.isASCII == true && peek(1)?.isNumber == true) {
                while let next = peek(), next.isASCII && (next.isNumber || next == ".") { index += 1 }
                if let e = peek(), e == "e" || e == "E", let after = peek(1),
                   after.isNumber || ((after == "-" || after == "+") && peek(2)?.isNumber == true) {
                    index += 2
                    while let next = peek(), next.isASCII && next.isNumber { index += 1 }
                }
                // A name that starts with digits (MySQL allows 1st_place): read it as a word.
                if let next = peek(), next.isLetter || next == "_" {
                    while let next = peek(), next.isLetter || next.isNumber || next == "_" || next == "$" { index += 1 }
                    tokens.append(DBSQLToken(kind: .word, text: String(chars[start..<index]), value: ""))
                } else {
                    tokens.append(DBSQLToken(kind: .number, text: String(chars[start..<index]), value: ""))
                }
            } else if char.isLetter || char == "_" || char == "$" || char == "@" {
                index += 1
                while let next = peek(), next.isLetter || next.isNumber || next == "_" || next == "$" { index += 1 }
                tokens.append(DBSQLToken(kind: .word, text: String(chars[start..<index]), value: ""))
            } else {
                let three = String(chars[index..<min(index + 3, chars.count)])
                let two = String(chars[index..<min(index + 2, chars.count)])
                let symbol: String
                if three == "<=>" {
                    symbol = three
                } else if ["<=", ">=", "<>", "!=", "||", "&&", ":=", "==", "->"].contains(two) {
                    symbol = two
                } else {
                    symbol = String(char)
                }
                index += symbol.count
                tokens.append(DBSQLToken(kind: .symbol, text: symbol, value: ""))
            }
        }
        return tokens
    }

    /// MySQL's backslash escapes in strings; `\%` and `\_` keep their backslash (for LIKE).
    private static func unescape(_ escaped: Character) -> String {
        switch escaped {
        case "0": return "\0"
        case "b": return "\u{8}"
        case "n": return "\n"
        case "r": return "\r"
        case "t": return "\t"
        case "Z": return "\u{1A}"
        case "%", "_": return "\\" + String(escaped)
        default: return String(escaped)
        }
    }
}
