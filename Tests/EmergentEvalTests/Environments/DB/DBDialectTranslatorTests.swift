import Foundation
import Testing
@testable import EmergentEval

/// MySQL → SQLite translation, checked by text and by running it.
@Suite struct DBDialectTranslatorTests {
    func sql(_ mysql: String) throws -> String {
        guard case .sql(let text) = try DBDialectTranslator.translate(mysql) else {
            Issue.record("no SQL for \(mysql)")
            return ""
        }
        return text
    }

    func refusal(_ mysql: String) -> String {
        do {
            _ = try DBDialectTranslator.translate(mysql)
            return ""
        } catch {
            return error.message
        }
    }

    @Test func quotingAndLimits() throws {
        #expect(try sql("SELECT `a b` FROM `t` LIMIT 2, 5") == "SELECT \"a b\" FROM \"t\" LIMIT 5 OFFSET 2")
        #expect(try sql("SELECT * FROM t WHERE a = \"x\" || b = 'it\\'s'") == "SELECT * FROM t WHERE a = 'x' OR b = 'it''s'")
        #expect(try sql("SELECT IF(a > 1, 'y', 'n'), LEFT(b, 2) FROM t") == "SELECT IIF(CAST(a AS REAL) > 1, 'y', 'n'), mysql_left(b, 2) FROM t")
        #expect(try sql("SELECT CAST(a AS SIGNED) FROM t # note") == "SELECT CAST(a AS INTEGER) FROM t ")
        #expect(try sql("SELECT a / 2, a DIV 2 FROM t") == "SELECT a * 1.0 / 2, a / 2 FROM t")
    }

    @Test func columnsComparedWithNumbersBecomeNumbers() throws {
        #expect(try sql("SELECT x FROM t WHERE `Goal` < 17 AND 3 <= b AND c BETWEEN 1 AND 5 AND d NOT IN (1, 2)")
            == "SELECT x FROM t WHERE CAST(\"Goal\" AS REAL) < 17 AND 3 <= CAST(b AS REAL) AND CAST(c AS REAL) BETWEEN 1 AND 5 AND CAST(d AS REAL) NOT IN (1, 2)")
        #expect(try sql("SELECT x FROM t WHERE t.a > -2") == "SELECT x FROM t WHERE CAST(t.a AS REAL) > -2")
        #expect(try sql("UPDATE t SET a = 5, b = 'x' WHERE c = 3") == "UPDATE t SET a = '5', b = 'x' WHERE CAST(c AS REAL) = 3")
        #expect(try sql("SELECT x FROM t WHERE a = '5'") == "SELECT x FROM t WHERE a = '5'")
    }

    @Test func mysqlStatementsSQLiteLacks() throws {
        #expect(try sql("SHOW TABLES;").contains("sqlite_master"))
        #expect(try sql("DESCRIBE `Team Table`").contains("pragma_table_info('Team Table')"))
        #expect(try sql("SHOW FULL COLUMNS FROM t").contains("pragma_table_info('t')"))
        #expect(try DBDialectTranslator.translate("USE mydb") == .noOperation)
        #expect(try DBDialectTranslator.translate("START TRANSACTION") == .noOperation)
    }

    @Test func unsupportedSyntaxIsExplained() {
        #expect(refusal("SELECT DATE_ADD(d, INTERVAL 1 DAY) FROM t").contains("DATE_ADD() is not supported here; use date("))
        #expect(refusal("SELECT * FROM t WHERE a XOR b").contains("XOR is not supported"))
        #expect(refusal("SHOW DATABASES").contains("SHOW DATABASES is not supported"))
        #expect(refusal("SELECT 1; SELECT 2").contains("Only one SQL statement"))
        #expect(refusal("SELECT 'open").contains("never closed"))
        #expect(refusal("   ").contains("empty"))
        #expect(refusal("ATTACH DATABASE '/tmp/x.db' AS x").contains("ATTACH is not supported"))
        #expect(refusal("pragma table_info(t)").contains("PRAGMA is not supported"))
    }

    @Test func translatedSQLBehavesLikeMySQL() throws {
        let table = DBTable(name: "Scores", columns: [DBColumn(name: "Name", type: "TEXT"), DBColumn(name: "Points", type: "TEXT")],
                            rows: [["ann", "9"], ["Bob", "10"], ["Cy", "100"], ["Di", "n/a"]])
        let db = try DBDatabase(tables: [table], format: .agentBench)
        // TEXT compared with a number compares numerically ('n/a' reads as 0, as in MySQL).
        #expect(db.run("SELECT Name FROM Scores WHERE Points > 9").observation == "[('Bob',), ('Cy',)]")
        // TEXT compared with TEXT compares as text (MySQL too).
        #expect(db.run("SELECT MAX(Points) FROM Scores").observation == "[('n/a',)]")
        // '=' and LIKE ignore case, as MySQL's default collation does.
        #expect(db.run("SELECT Points FROM Scores WHERE Name = 'ANN'").observation == "[('9',)]")
        #expect(db.run("SELECT COUNT(*) FROM Scores WHERE Name LIKE 'b%'").observation == "[(1,)]")
        // SUM over text is a DOUBLE; COUNT an integer; division is real.
        #expect(db.run("SELECT SUM(Points), COUNT(*), 7 / 2 FROM Scores").observation == "[(119.0, 4, 3.5)]")
        #expect(db.run("SELECT CONCAT(Name, '-', Points), CONCAT_WS('/', Name, NULL, Points) FROM Scores LIMIT 1").observation
            == "[('ann-9', 'ann/9')]")
        #expect(db.run("SELECT Name FROM Scores WHERE Name REGEXP '^b'").observation == "[('Bob',)]")
        #expect(db.run("SELECT Name FROM Scores ORDER BY Name LIMIT 1, 2").observation == "[('Bob',), ('Cy',)]")
        #expect(db.run("DESCRIBE Scores").observation
            == "[('Name', 'text', 'YES', '', None, ''), ('Points', 'text', 'YES', '', None, '')]")
        #expect(db.run("SHOW TABLES").observation == "[('Scores',)]")
        #expect(db.run("SHOW CREATE TABLE Scores").observation.hasPrefix("[('Scores', 'CREATE TABLE \"Scores\""))
        #expect(db.run("USE Scores").observation == "[]")
        #expect(db.run("SELECT nope FROM Scores").observation.hasPrefix("Error: no such column"))
        // Parameters and variables have no values here: an error observation, not a crash.
        #expect(db.run("SELECT ?, @b").observation.hasPrefix("Error: wrong number of statement arguments"))
    }

    @Test func longOutputIsTruncatedLikeAgentBench() throws {
        let rows = (0..<200).map { ["row number \($0)", "\($0)"] as [String?] }
        let db = try DBDatabase(tables: [DBTable(name: "t", columns: [DBColumn(name: "a", type: "TEXT"), DBColumn(name: "b", type: "TEXT")], rows: rows)],
                                format: .agentBench)
        let text = db.run("SELECT * FROM t").observation
        #expect(text.hasSuffix("[TRUNCATED]"))
        #expect(text.count == 800 + "[TRUNCATED]".count)
    }

    @Test func runawayQueriesAreStopped() throws {
        let db = try DBDatabase(tables: [Self.tiny], format: .agentBench, statementTimeout: 0.3)
        let outcome = db.run("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) FROM c")
        #expect(outcome.observation.contains("was stopped"))
        #expect(db.run("SELECT COUNT(*) FROM t").observation == "[(1,)]")
    }

    static let tiny = DBTable(name: "t", columns: [DBColumn(name: "a", type: "TEXT")], rows: [["x"]])
}
