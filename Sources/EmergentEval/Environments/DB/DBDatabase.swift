import Dispatch
import Foundation
import GRDB

/// What running one statement gave.
enum DBRunOutcome: Sendable, Equatable {
    /// The rows, each a tuple of Python values (the columns of a statement that returns none give `[]`).
    case rows([[DBPyValue]])
    /// The statement failed; the text is the observation.
    case error(String)

    /// The observation AgentBench would print: `str(rows)` cut at 800 characters, or the error text.
    var observation: String {
        switch self {
        case .rows(let rows):
            let text = DBPyValue.list(rows.map(DBPyValue.tuple)).repr
            return text.count > 800 ? String(text.prefix(800)) + "[TRUNCATED]" : text
        case .error(let message):
            return message
        }
    }
}

/// One episode's private SQLite database (in memory), created from a task's tables and holding MySQL-like helper
/// functions. Concurrent episodes each have their own; nothing is shared.
final class DBDatabase: Sendable {
    private let queue: DatabaseQueue
    let tables: [DBTable]
    /// The longest a statement may run before it is interrupted.
    let statementTimeout: Double
    /// Rows beyond this are not read (the observation is cut at 800 characters anyway).
    static let rowLimit = 2000

    init(tables: [DBTable], format: DBTaskFormat, statementTimeout: Double = 10) throws {
        var configuration = Configuration()
        configuration.label = "db-episode"
        configuration.prepareDatabase { db in DBMySQLFunctions.register(in: db) }
        do {
            queue = try DatabaseQueue(configuration: configuration)
            try queue.inDatabase { db in
                for table in tables {
                    let columns = table.columns.map { column in
                        DBDialectTranslator.quoteIdentifier(column.name) + " " + Self.sqliteType(column.type, format: format)
                    }
                    try db.execute(sql: "CREATE TABLE \(DBDialectTranslator.quoteIdentifier(table.name)) ("
                        + columns.joined(separator: ", ") + ")")
                    let placeholders = Array(repeating: "?", count: table.columns.count).joined(separator: ", ")
                    let insert = try db.makeStatement(sql: "INSERT INTO \(DBDialectTranslator.quoteIdentifier(table.name)) "
                        + "VALUES (\(placeholders))")
                    for row in table.rows {
                        try insert.execute(arguments: StatementArguments(row.map { $0.map { $0 as any DatabaseValueConvertible } ?? DatabaseValue.null }))
                    }
                }
            }
        } catch {
            throw EnvironmentError("cannot create the task's tables in SQLite: \(error)")
        }
        self.tables = tables
        self.statementTimeout = statementTimeout
    }

    /// AgentBench v0.2 creates every column as MySQL TEXT (case-insensitive collation); Emergent's own tasks get
    /// the SQLite type that matches their MySQL type.
    static func sqliteType(_ mysqlType: String, format: DBTaskFormat) -> String {
        let text = "TEXT COLLATE NOCASE"
        guard format == .emergent else { return text }
        let upper = mysqlType.uppercased()
        if upper.contains("INT") { return "INTEGER" }
        if ["FLOAT", "DOUBLE", "REAL", "DECIMAL", "NUMERIC"].contains(where: upper.contains) { return "REAL" }
        return text
    }

    /// Translates one MySQL statement and runs it.
    func run(_ mysql: String) -> DBRunOutcome {
        let translation: DBTranslation
        do {
            translation = try DBDialectTranslator.translate(mysql)
        } catch {
            return .error("Error: " + error.message)
        }
        switch translation {
        case .noOperation: return .rows([])
        case .sql(let sql): return runSQLite(sql)
        }
    }

    /// Runs SQLite SQL as it is (used for hashes and by tests).
    func runSQLite(_ sql: String) -> DBRunOutcome {
        let timer = DispatchWorkItem { [queue] in queue.interrupt() }
        DispatchQueue.global().asyncAfter(deadline: .now() + statementTimeout, execute: timer)
        defer { timer.cancel() }
        do {
            return try queue.inDatabase { db -> DBRunOutcome in
                let statement = try db.makeStatement(sql: sql)
                if statement.columnCount == 0 {
                    try statement.execute()
                    return .rows([])
                }
                var rows: [[DBPyValue]] = []
                let cursor = try Row.fetchCursor(statement)
                while let row = try cursor.next(), rows.count < Self.rowLimit {
                    rows.append(row.databaseValues.map(Self.pythonValue))
                }
                return .rows(rows)
            }
        } catch let error as DatabaseError {
            if error.resultCode == .SQLITE_INTERRUPT {
                return .error("Error: the statement ran longer than \(Int(statementTimeout)) seconds and was stopped.")
            }
            return .error("Error: \(error.message ?? error.description)")
        } catch {
            return .error("Error: \(error)")
        }
    }

    static func pythonValue(_ value: DatabaseValue) -> DBPyValue {
        switch value.storage {
        case .null: return .none
        case .int64(let number): return .int(Int(number))
        case .double(let number): return .float(number)
        case .string(let text): return .string(text)
        case .blob(let data): return .string(String(decoding: data, as: UTF8.self))
        }
    }

    // MARK: table hash

    /// AgentBench's table hash, computed as MySQL would: each row's non-NULL values as text joined by ','
    /// (`CONCAT_WS`), the first 5 hex digits of its MD5, those sorted and joined by ',' (`GROUP_CONCAT … ORDER BY`,
    /// cut at MySQL's default 1024 bytes), and the MD5 of that. It ignores row order, not column order or values'
    /// text. Several tables: their hashes sorted and joined by '_' (AgentBench's later multi-table rule). Nil when
    /// a table is gone or empty (MySQL's `md5(NULL)`), which matches no expected hash.
    func tableHash() -> String? {
        var hashes: [String] = []
        for table in tables {
            let columns = table.columns.map { DBDialectTranslator.quoteIdentifier($0.name) }.joined(separator: ", ")
            let outcome = runSQLite("SELECT \(columns) FROM \(DBDialectTranslator.quoteIdentifier(table.name))")
            guard case .rows(let rows) = outcome else { return nil }
            guard let hash = Self.hash(rows: rows.map { $0.map(Self.mysqlText) }) else { return nil }
            hashes.append(hash)
        }
        return hashes.sorted().joined(separator: "_")
    }

    /// The hash of rows given as text (nil is SQL NULL).
    static func hash(rows: [[String?]]) -> String? {
        guard !rows.isEmpty else { return nil }
        let rowHashes = rows.map { row in String(DBMD5.hex(row.compactMap { $0 }.joined(separator: ",")).prefix(5)) }
        var joined = Array(rowHashes.sorted().joined(separator: ",").utf8)
        if joined.count > 1024 { joined = Array(joined.prefix(1024)) }
        return DBMD5.hex(joined)
    }

    /// A value as MySQL's CONCAT_WS writes it (nil for NULL, which CONCAT_WS skips).
    static func mysqlText(_ value: DBPyValue) -> String? {
        switch value {
        case .none: return nil
        case .string(let text): return text
        case .int(let number): return String(number)
        case .bool(let flag): return flag ? "1" : "0"
        case .float(let number):
            if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
            return number.description
        case .list, .tuple: return value.repr
        }
    }
}
