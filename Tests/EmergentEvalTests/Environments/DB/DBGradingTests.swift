import EmergentCore
import Foundation
import Testing
@testable import EmergentEval

/// AgentBench v0.2's grading: the table hash for mutations and the answer rules for questions.
@Suite struct DBGradingTests {
    static let table = DBTable(name: "Team Table", columns: [DBColumn(name: "Team", type: "TEXT"),
                                                            DBColumn(name: "Wins", type: "TEXT")],
                               rows: [["Lions", "3"], ["Owls", "5"], ["Bears", nil]])

    func database(_ table: DBTable = table) throws -> DBDatabase {
        try DBDatabase(tables: [table], format: .agentBench)
    }

    @Test func md5MatchesKnownDigests() {
        #expect(DBMD5.hex("") == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(DBMD5.hex("The quick brown fox jumps over the lazy dog") == "9e107d9d372bb6826bd81d3542a419d6")
        #expect(DBMD5.hex(String(repeating: "a", count: 1000)) == "cabe45dcc9ae5b66ba86600cca6b8ba8")
    }

    /// The hash sorts the per-row hashes, so row order does not matter; a row's text is its values joined by ','
    /// in column order, so column order and each value's text do.
    @Test func tableHashIgnoresRowOrderOnly() throws {
        let reference = try database()
        _ = reference.run("INSERT INTO `Team Table` VALUES ('Foxes', '7')")
        let expected = try #require(reference.tableHash())

        // Same rows, reached in another physical order: the new row first, the old ones re-inserted after it.
        let reordered = try database(DBTable(name: Self.table.name, columns: Self.table.columns, rows: []))
        _ = reordered.run("INSERT INTO `Team Table` VALUES ('Foxes', '7')")
        for row in Self.table.rows.reversed() {
            let wins = row[1].map { "'\($0)'" } ?? "NULL"
            _ = reordered.run("INSERT INTO `Team Table` VALUES ('\(row[0] ?? "")', \(wins))")
        }
        #expect(reordered.tableHash() == expected)

        // Deleted and put back (it now sits at the end of the table): still the same hash.
        let moved = try database()
        _ = moved.run("DELETE FROM `Team Table` WHERE Team = 'Lions'")
        _ = moved.run("INSERT INTO `Team Table` VALUES ('Foxes', '7')")
        _ = moved.run("INSERT INTO `Team Table` VALUES ('Lions', '3')")
        #expect(moved.tableHash() == expected)

        // A changed value changes it.
        let changed = try database()
        _ = changed.run("INSERT INTO `Team Table` VALUES ('Foxes', '7.0')")
        #expect(changed.tableHash() != expected)

        // Columns in another order change it.
        let swapped = DBTable(name: Self.table.name, columns: Self.table.columns.reversed(),
                              rows: Self.table.rows.map { $0.reversed() } + [["7", "Foxes"]])
        #expect(try database(swapped).tableHash() != expected)
    }

    @Test func tableHashMatchesMySQLsRecipe() throws {
        // CONCAT_WS skips NULL; each row hash is the first 5 hex digits; sorted; joined by ','.
        let rows = ["Lions,3", "Owls,5", "Bears"].map { String(DBMD5.hex($0).prefix(5)) }.sorted()
        #expect(try database().tableHash() == DBMD5.hex(rows.joined(separator: ",")))
        let empty = try database(DBTable(name: "e", columns: [DBColumn(name: "a", type: "TEXT")], rows: []))
        #expect(empty.tableHash() == nil)
    }

    @Test func insertingNumbersKeepsTheirText() throws {
        let db = try database()
        _ = db.run("INSERT INTO `Team Table` (Team, Wins) VALUES ('Foxes', 7.50)")
        #expect(db.run("SELECT Wins FROM `Team Table` WHERE Team = 'Foxes'").observation == "[('7.50',)]")
        _ = db.run("UPDATE `Team Table` SET Wins = 2.0 WHERE Team = 'Owls'")
        #expect(db.run("SELECT Wins FROM `Team Table` WHERE Team = 'Owls'").observation == "[('2.0',)]")
    }

    // MARK: SELECT answers

    func correct(_ answer: String, _ label: [String]) -> Bool {
        DBGrader.matches(DBGrader.answerItems(fromText: answer), label: label)
    }

    @Test func answersInAnotherOrderPass() {
        #expect(correct(#" ["b", "a", "c"]"#, ["a", "b", "c"]))
        #expect(correct(#" ['c', 'a', 'b']"#, ["a", "b", "c"]))
        #expect(!correct(#" ["a", "b"]"#, ["a", "b", "c"]))
    }

    @Test func singleNumbersCompareAsFloats() {
        #expect(correct(#" ["1"]"#, ["1.0"]))
        #expect(correct(" [2011]", ["2011.0"]))
        #expect(correct(" 5", ["5.0"]))
        #expect(!correct(#" ["1.01"]"#, ["1.0"]))
        #expect(!correct(#" ["1,000"]"#, ["1000"]))
    }

    @Test func severalNumbersCompareAsExactText() {
        // v0.2 compares sets of strings when there is more than one answer: '1.0' and '1' differ there.
        #expect(correct(#" ["1", "2"]"#, ["2", "1"]))
        #expect(!correct(#" ["1.0", "2"]"#, ["1", "2"]))
        #expect(!correct(" [1, 2]", ["1", "2"]))
    }

    @Test func wrongAnswersFail() {
        #expect(!correct(#" ["Giza"]"#, ["Cairo"]))
        #expect(!correct(#" "Giza""#, ["Giza"]))  // a bare string is split into its characters, as list("Giza") is
        #expect(correct(#" ["Giza"]"#, ["Giza"]))
        #expect(correct(" Giza", ["Giza"]) == false)  // " Giza" is not a literal: it stays " Giza"
        #expect(!correct(" [[1]]", ["1", "2"]) )
    }

    @Test func pythonLiteralsRoundTrip() {
        let value = DBPyValue.list([.tuple([.string("it's"), .int(3), .float(2.5), .none]), .tuple([.string("a\"b'c")])])
        #expect(value.repr == #"[("it's", 3, 2.5, None), ('a"b\'c',)]"#)
        #expect(DBPython.evalLiteral(value.repr) == value)
        #expect(DBPython.evalLiteral("[1, ") == nil)
    }
}
