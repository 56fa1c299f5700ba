import Foundation

/// What one MySQL statement becomes on SQLite.
enum DBTranslation: Sendable, Equatable {
    /// SQLite SQL to run.
    case sql(String)
    /// A statement with nothing to do here (`USE`, `BEGIN`, `COMMIT`…): it answers `[]`, as MySQL's does.
    case noOperation
}

/// A statement this environment cannot run, with what to write instead.
struct DBTranslationError: Error, Sendable, Equatable {
    var message: String
}

/// Rewrites the MySQL an agent (or AgentBench's reference SQL) writes into SQLite that behaves the same on these
/// tables. Works on tokens, never on raw text, so quoted names and strings are never changed by accident.
///
/// Translated (see docs/eval-db.md for the full list):
/// - `` `name` `` → `"name"`; `"text"` (a string in MySQL) → `'text'`; MySQL backslash escapes in strings;
///   `LIKE '…\_…'` gets `ESCAPE '\'` (MySQL's default LIKE escape).
/// - `LIMIT a, b` → `LIMIT b OFFSET a`; `||` → `OR`, `&&` → `AND`, `<=>` → `IS`; `/` → real division
///   (`* 1.0 /`), `DIV` → `/`; `IF(` → `IIF(`; `LEFT(`/`RIGHT(` → functions of the same meaning;
///   `CAST(… AS SIGNED|UNSIGNED)` → `INTEGER`; `GROUP_CONCAT(x SEPARATOR s)` → `GROUP_CONCAT(x, s)`;
///   `AUTO_INCREMENT` dropped.
/// - A column compared with a number (`col < 17`, `col = 5`, `col BETWEEN 1 AND 5`, `col IN (1, 2)`) compares
///   numerically (`CAST(col AS REAL)`), as MySQL does when a string meets a number.
/// - Numbers written into rows (`VALUES (…)`, `SET col = …`) keep their written text (`1.50` stays `'1.50'`).
/// - `SHOW TABLES`, `SHOW [FULL] COLUMNS|FIELDS FROM t`, `DESCRIBE t`, `DESC t`, `SHOW CREATE TABLE t`.
/// - `USE db`, `BEGIN`, `START TRANSACTION`, `COMMIT`, `ROLLBACK`: no operation (AgentBench commits every statement).
///
/// Refused with a message naming the SQLite alternative: date arithmetic and formatting functions, `INTERVAL`,
/// `XOR`, `ON DUPLICATE KEY UPDATE`, `SHOW DATABASES` and other `SHOW`s, more than one statement, and SQLite's own
/// `ATTACH`/`DETACH`/`VACUUM`/`PRAGMA` (they could reach files outside the episode's in-memory database).
enum DBDialectTranslator {
    static func translate(_ mysql: String) throws(DBTranslationError) -> DBTranslation {
        let tokens = try DBSQLLexer.tokenize(mysql)
        let significant = tokens.filter { !$0.isTrivia }
        guard !significant.isEmpty else {
            throw DBTranslationError(message: "The SQL statement is empty.")
        }
        if let semicolon = significant.firstIndex(where: { $0.isSymbol(";") }),
           significant[(semicolon + 1)...].contains(where: { !$0.isSymbol(";") }) {
            throw DBTranslationError(message:
                "Only one SQL statement can run per operation; send the next statement in your next turn.")
        }
        let statement = significant.filter { !$0.isSymbol(";") }
        if let special = try specialStatement(statement) { return special }
        try refuseUnsupported(statement)
        return .sql(rewrite(tokens.filter { !$0.isComment }))
    }

    // MARK: statements SQLite lacks

    private static func specialStatement(_ words: [DBSQLToken]) throws(DBTranslationError) -> DBTranslation? {
        let upper = words.map { $0.kind == .word ? $0.text.uppercased() : $0.text }
        guard let first = upper.first else { return nil }
        switch first {
        case "USE", "BEGIN", "COMMIT", "ROLLBACK":
            return .noOperation
        case "ATTACH", "DETACH", "VACUUM", "PRAGMA":
            // SQLite statements that reach outside the episode's database (files) or are not MySQL at all.
            throw DBTranslationError(message: "\(first) is not supported here; this is a MySQL database with one "
                + "schema: use SHOW TABLES or DESCRIBE table_name to explore it.")
        case "START" where upper.count > 1 && upper[1] == "TRANSACTION":
            return .noOperation
        case "SHOW":
            let rest = Array(upper.dropFirst()).filter { $0 != "FULL" }
            if rest.first == "TABLES" {
                return .sql("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            }
            if (rest.first == "COLUMNS" || rest.first == "FIELDS"), rest.count >= 3,
               rest[1] == "FROM" || rest[1] == "IN" {
                return .sql(describe(words[words.count - rest.count + 2].identifierName))
            }
            if rest.count >= 3 && rest[0] == "CREATE" && rest[1] == "TABLE" {
                let name = words[words.count - 1].identifierName
                return .sql("SELECT name AS \"Table\", sql AS \"Create Table\" FROM sqlite_master WHERE type = 'table' "
                    + "AND name = \(quoteString(name))")
            }
            throw DBTranslationError(message:
                "MySQL's SHOW \(rest.first ?? "") is not supported here; there is one database holding this task's "
                + "tables: use SHOW TABLES or DESCRIBE table_name.")
        case "DESCRIBE", "DESC", "EXPLAIN":
            if words.count == 2, words[1].kind != .symbol {
                return .sql(describe(words[1].identifierName))
            }
            if first != "EXPLAIN" {
                throw DBTranslationError(message: "Write DESCRIBE followed by one table name, e.g. DESCRIBE `my table`.")
            }
            return nil
        default:
            return nil
        }
    }

    /// MySQL's DESCRIBE columns: Field, Type, Null, Key, Default, Extra.
    private static func describe(_ table: String) -> String {
        "SELECT name AS Field, lower(type) AS Type, CASE WHEN \"notnull\" THEN 'NO' ELSE 'YES' END AS \"Null\", "
            + "CASE WHEN pk > 0 THEN 'PRI' ELSE '' END AS \"Key\", dflt_value AS \"Default\", '' AS Extra "
            + "FROM pragma_table_info(\(quoteString(table)))"
    }

    private static let unsupportedFunctions: [String: String] = [
        "DATE_FORMAT": "use strftime('%Y-%m-%d', value) (SQLite date functions work on 'YYYY-MM-DD' text)",
        "STR_TO_DATE": "compare or reorder the text itself, or use substr() and strftime()",
        "DATE_ADD": "use date(value, '+N days')",
        "DATE_SUB": "use date(value, '-N days')",
        "ADDDATE": "use date(value, '+N days')",
        "SUBDATE": "use date(value, '-N days')",
        "DATEDIFF": "use julianday(a) - julianday(b)",
        "TIMESTAMPDIFF": "use julianday(a) - julianday(b)",
        "FROM_UNIXTIME": "use datetime(value, 'unixepoch')",
        "UNIX_TIMESTAMP": "use strftime('%s', value)",
        "CONVERT": "use CAST(value AS type)",
    ]

    private static func refuseUnsupported(_ words: [DBSQLToken]) throws(DBTranslationError) {
        for (index, token) in words.enumerated() where token.kind == .word {
            let upper = token.text.uppercased()
            let next = index + 1 < words.count ? words[index + 1] : nil
            if let hint = unsupportedFunctions[upper], next?.isSymbol("(") == true {
                throw DBTranslationError(message: "MySQL's \(upper)() is not supported here; \(hint).")
            }
            switch upper {
            case "INTERVAL":
                throw DBTranslationError(message:
                    "MySQL's INTERVAL arithmetic is not supported here; use date(value, '+N days') or similar.")
            case "XOR":
                throw DBTranslationError(message: "MySQL's XOR is not supported here; use (a OR b) AND NOT (a AND b).")
            case "DUPLICATE" where index > 0 && words[index - 1].text.uppercased() == "ON":
                throw DBTranslationError(message:
                    "MySQL's ON DUPLICATE KEY UPDATE is not supported here; use a separate UPDATE statement.")
            default:
                break
            }
        }
    }

    // MARK: token rewriting

    private static let comparisons: Set<String> = ["=", "<", ">", "<=", ">=", "<>", "!="]
    private static let notColumns: Set<String> = [
        "END", "NULL", "TRUE", "FALSE", "AND", "OR", "NOT", "WHERE", "SELECT", "ON", "WHEN", "THEN", "ELSE",
        "HAVING", "BY", "AS", "SET", "VALUES", "CASE", "IS", "LIKE", "IN", "BETWEEN", "LIMIT", "OFFSET",
    ]

    /// What part of a statement a token is in, for the rules that depend on it.
    private enum Clause { case other, set, values }

    /// One output piece: the text a token became, the token, and where it stood.
    private struct Piece {
        var text: String
        var token: DBSQLToken
        var depth: Int
        var clause: Clause
    }

    private static func rewrite(_ tokens: [DBSQLToken]) -> String {
        var pieces: [Piece] = []
        var depth = 0
        var clause = Clause.other
        var previous: DBSQLToken?
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            defer { index += 1 }
            if token.isTrivia {
                pieces.append(Piece(text: token.text, token: token, depth: depth, clause: clause))
                continue
            }
            let next = tokens[(index + 1)...].first { !$0.isTrivia }
            let upper = token.kind == .word ? token.text.uppercased() : token.text
            var text = token.text
            switch token.kind {
            case .whitespace, .comment:
                break
            case .backtickIdentifier, .bracketIdentifier:
                text = quoteIdentifier(token.value)
            case .doubleQuoted:
                text = quoteString(token.value)
            case .string:
                text = quoteString(token.value)
                if previous?.kind == .word, previous?.text.uppercased() == "LIKE", token.value.contains("\\") {
                    text += " ESCAPE '\\'"
                }
            case .number:
                // Numbers written into rows keep their text ('1.50' stays '1.50' in a TEXT column).
                let assigned = clause == .set && depth == 0 && (previous?.isSymbol("=") == true
                    || (previous?.isSymbol("-") == true && pieces.last(where: { !$0.token.isTrivia && !$0.token.isSymbol("-") })?.token.isSymbol("=") == true))
                if (clause == .values && depth >= 1) || assigned { text = quoteString(token.text) }
            case .word:
                switch upper {
                case "LIMIT":
                    clause = depth == 0 ? .other : clause
                    if let limit = limitOffsetRewrite(tokens, from: index) {
                        pieces.append(Piece(text: limit.text, token: token, depth: depth, clause: clause))
                        previous = tokens[limit.last]
                        index = limit.last
                        continue
                    }
                case "DIV": text = "/"
                case "IF" where next?.isSymbol("(") == true: text = "IIF"
                case "LEFT" where next?.isSymbol("(") == true: text = "mysql_left"
                case "RIGHT" where next?.isSymbol("(") == true: text = "mysql_right"
                case "SIGNED" where previous?.text.uppercased() == "AS", "UNSIGNED" where previous?.text.uppercased() == "AS":
                    text = "INTEGER"
                case "SEPARATOR": text = ","
                case "AUTO_INCREMENT": text = ""
                case "SET" where depth == 0: clause = .set
                case "VALUES" where depth == 0, "VALUE" where depth == 0:
                    clause = .values
                    text = "VALUES"
                case "WHERE", "ORDER", "FROM", "SELECT", "GROUP", "HAVING":
                    if depth == 0 { clause = .other }
                default: break
                }
            case .symbol:
                switch token.text {
                case "(": depth += 1
                case ")": depth -= 1
                case "||": text = "OR"
                case "&&": text = "AND"
                case "<=>": text = "IS"
                case "/": text = "* 1.0 /"
                default: break
                }
            }
            pieces.append(Piece(text: text, token: token, depth: depth, clause: clause))
            previous = token
        }
        castColumnsComparedWithNumbers(&pieces)
        return pieces.map(\.text).joined()
    }

    /// MySQL compares a string with a number as numbers; SQLite compares a TEXT column with a number as text.
    /// Wraps the column side of `col OP number`, `number OP col`, `col [NOT] BETWEEN number`, `col [NOT] IN (number`
    /// in `CAST(col AS REAL)`. Assignments in `SET` are left alone.
    private static func castColumnsComparedWithNumbers(_ pieces: inout [Piece]) {
        let significant = pieces.indices.filter { !pieces[$0].token.isTrivia }
        func token(_ position: Int) -> DBSQLToken? {
            position >= 0 && position < significant.count ? pieces[significant[position]].token : nil
        }
        func isColumn(_ position: Int) -> Bool {
            guard let candidate = token(position) else { return false }
            switch candidate.kind {
            case .backtickIdentifier, .bracketIdentifier: return true
            case .word:
                return !notColumns.contains(candidate.text.uppercased()) && token(position + 1)?.isSymbol("(") != true
            default: return false
            }
        }
        func isNumber(_ position: Int) -> Bool {
            if token(position)?.kind == .number { return true }
            if let sign = token(position), sign.isSymbol("-") || sign.isSymbol("+") { return token(position + 1)?.kind == .number }
            return false
        }
        var wrapped: Set<Int> = []
        func wrap(_ position: Int) {
            guard !wrapped.contains(position) else { return }
            wrapped.insert(position)
            var start = position
            if token(position - 1)?.isSymbol(".") == true && (isColumn(position - 2) || token(position - 2)?.kind == .doubleQuoted) {
                start = position - 2
            }
            pieces[significant[start]].text = "CAST(" + pieces[significant[start]].text
            pieces[significant[position]].text += " AS REAL)"
        }
        for position in significant.indices {
            let piece = pieces[significant[position]]
            guard let current = token(position) else { continue }
            if current.kind == .symbol, comparisons.contains(current.text) {
                if piece.clause == .set && piece.depth == 0 { continue }
                if isColumn(position - 1) && isNumber(position + 1) { wrap(position - 1) }
                if isNumber(position - 1) && token(position - 2).map({ !$0.isSymbol("-") && !$0.isSymbol("+") }) ?? true
                    && isColumn(position + 1) && token(position + 2)?.isSymbol(".") != true {
                    wrap(position + 1)
                }
            } else if current.kind == .word, ["BETWEEN", "IN"].contains(current.text.uppercased()) {
                var left = position - 1
                if token(left)?.text.uppercased() == "NOT" { left -= 1 }
                let right = current.text.uppercased() == "IN" && token(position + 1)?.isSymbol("(") == true
                    ? position + 2 : position + 1
                if isColumn(left) && isNumber(right) { wrap(left) }
            }
        }
    }

    /// `LIMIT a, b` → `LIMIT b OFFSET a`, returning the text and the index of the last token consumed.
    private static func limitOffsetRewrite(_ tokens: [DBSQLToken], from index: Int) -> (text: String, last: Int)? {
        var parts: [(token: DBSQLToken, index: Int)] = []
        var cursor = index + 1
        while cursor < tokens.count && parts.count < 3 {
            if !tokens[cursor].isTrivia { parts.append((tokens[cursor], cursor)) }
            cursor += 1
        }
        guard parts.count == 3, parts[0].token.kind == .number, parts[1].token.isSymbol(","),
              parts[2].token.kind == .number
        else { return nil }
        return ("LIMIT \(parts[2].token.text) OFFSET \(parts[0].token.text)", parts[2].index)
    }

    static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func quoteString(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
