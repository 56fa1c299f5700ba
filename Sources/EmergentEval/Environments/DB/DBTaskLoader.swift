import EmergentCore
import EmergentJinja
import Foundation

/// Reads DB task files: Emergent's own JSONL and AgentBench's dbbench JSONL, told apart line by line (an
/// AgentBench line has `description` and `table`). Every problem names the file, line and field.
enum DBTaskLoader {
    static let knownTypes: Set<String> = [
        "other", "counting", "comparison", "ranking", "aggregation-SUM", "aggregation-MIN", "aggregation-MAX",
        "aggregation-AVG", "INSERT", "UPDATE", "DELETE",
    ]

    static func load(_ file: URL) throws -> [DBTask] {
        var index = 0
        let tasks = try JSONLines.read(file) { value, line -> DBTask in
            defer { index += 1 }
            guard value.objectValue != nil else {
                throw EnvironmentError.badTask(file, line: line, "a task must be a JSON object")
            }
            if value["description"] != nil && value["table"] != nil {
                return try agentBenchTask(value, index: index, file: file, line: line)
            }
            return try emergentTask(value, file: file, line: line)
        }
        var seen: Set<String> = []
        for task in tasks where !seen.insert(task.id).inserted {
            throw EnvironmentError("\(file.path): task id '\(task.id)' appears twice; ids must be unique")
        }
        return tasks
    }

    // MARK: AgentBench

    /// AgentBench's dbbench line; its id is `dbbench-INDEX` (AgentBench's 0-based sample index).
    static func agentBenchTask(_ value: JSONValue, index: Int, file: URL, line: Int) throws -> DBTask {
        func fail(_ field: String, _ problem: String) -> EnvironmentError {
            EnvironmentError.badTask(file, line: line, "field '\(field)' \(problem)")
        }
        guard let question = value["description"]?.stringValue else { throw fail("description", "must be a string") }
        let type: String
        if let list = value["type"]?.arrayValue, let first = list.first?.stringValue {
            type = first
        } else if let single = value["type"]?.stringValue {
            type = single
        } else {
            throw fail("type", "must be a list holding the query type, such as [\"counting\"]")
        }
        guard knownTypes.contains(type) else {
            throw fail("type", "has unknown query type '\(type)' (known: \(knownTypes.sorted().joined(separator: ", ")))")
        }
        let tableValues: [JSONValue]
        if let list = value["table"]?.arrayValue { tableValues = list } else if let one = value["table"] {
            tableValues = [one]
        } else { throw fail("table", "is missing") }
        let tables = try tableValues.map { try agentBenchTable($0, file: file, line: line) }
        guard !tables.isEmpty else { throw fail("table", "holds no table") }
        let labelValues = value["label"]?.arrayValue ?? []
        let label = try labelValues.map { item -> String in
            guard let text = cellText(item) else { throw fail("label", "holds a null or a nested value") }
            return text
        }
        let isMutation = DBTask.mutationTypes.contains(type)
        var expectedHash: String?
        var reference: [String] = []
        if isMutation {
            reference = label
            if let md5 = value["answer_md5"]?.stringValue {
                guard let hex = hexDigest(in: md5) else {
                    throw fail("answer_md5", "holds no 32-digit hex MD5")
                }
                expectedHash = hex
            }
            if expectedHash == nil && reference.isEmpty {
                throw fail("answer_md5", "is missing and 'label' holds no reference SQL to compute it from")
            }
        } else {
            guard value["label"]?.arrayValue != nil else { throw fail("label", "must be a list of answers") }
            if let query = value["sql"]?["query"]?.stringValue { reference = [query] }
        }
        let addDescription = value["add_description"]?.stringValue ?? DBTask.standardDescription(of: tables)
        return DBTask(id: "dbbench-\(index)", format: .agentBench, question: question, addDescription: addDescription,
                      type: type, tables: tables, label: isMutation ? [] : label, referenceSQL: reference,
                      expectedHash: expectedHash)
    }

    static func agentBenchTable(_ value: JSONValue, file: URL, line: Int) throws -> DBTable {
        guard let name = value["table_name"]?.stringValue else {
            throw EnvironmentError.badTask(file, line: line, "field 'table.table_name' must be a string")
        }
        guard let info = value["table_info"] else {
            throw EnvironmentError.badTask(file, line: line, "field 'table.table_info' is missing")
        }
        return try table(name: name, columns: info["columns"], rows: info["rows"], field: "table.table_info",
                         file: file, line: line)
    }

    // MARK: Emergent

    /// Emergent's line: `id`, `type`, `question`, `tables`, `solution`, `answer` (SELECT types), optional
    /// `add_description`.
    static func emergentTask(_ value: JSONValue, file: URL, line: Int) throws -> DBTask {
        func fail(_ field: String, _ problem: String) -> EnvironmentError {
            EnvironmentError.badTask(file, line: line, "field '\(field)' \(problem)")
        }
        guard let id = value["id"]?.stringValue, !id.isEmpty else { throw fail("id", "must be a non-empty string") }
        guard let type = value["type"]?.stringValue, knownTypes.contains(type) else {
            throw fail("type", "must be one of \(knownTypes.sorted().joined(separator: ", "))")
        }
        guard let question = value["question"]?.stringValue, !question.isEmpty else {
            throw fail("question", "must be a non-empty string")
        }
        guard let tableValues = value["tables"]?.arrayValue, !tableValues.isEmpty else {
            throw fail("tables", "must be a non-empty list of tables")
        }
        let tables = try tableValues.enumerated().map { offset, table -> DBTable in
            guard let name = table["name"]?.stringValue, !name.isEmpty else {
                throw fail("tables[\(offset)].name", "must be a non-empty string")
            }
            return try self.table(name: name, columns: table["columns"], rows: table["rows"],
                                  field: "tables[\(offset)]", file: file, line: line)
        }
        guard let solutionValues = value["solution"]?.arrayValue, !solutionValues.isEmpty else {
            throw fail("solution", "must be a non-empty list of SQL statements")
        }
        let solution = try solutionValues.map { item -> String in
            guard let sql = item.stringValue, !sql.isEmpty else { throw fail("solution", "holds a non-string") }
            return sql
        }
        let isMutation = DBTask.mutationTypes.contains(type)
        var answer: [String] = []
        if !isMutation {
            guard let answers = value["answer"]?.arrayValue, !answers.isEmpty else {
                throw fail("answer", "must be a non-empty list of answers for a \(type) task")
            }
            answer = try answers.map { item in
                guard let text = cellText(item) else { throw fail("answer", "holds a null or a nested value") }
                return text
            }
        }
        let addDescription = value["add_description"]?.stringValue ?? DBTask.standardDescription(of: tables)
        return DBTask(id: id, format: .emergent, question: question, addDescription: addDescription, type: type,
                      tables: tables, label: answer, referenceSQL: solution, expectedHash: nil)
    }

    // MARK: shared

    static func table(name: String, columns: JSONValue?, rows: JSONValue?, field: String, file: URL,
                      line: Int) throws -> DBTable {
        guard let columnValues = columns?.arrayValue, !columnValues.isEmpty else {
            throw EnvironmentError.badTask(file, line: line, "field '\(field).columns' must be a non-empty list")
        }
        let parsedColumns = try columnValues.enumerated().map { offset, column -> DBColumn in
            guard let columnName = column["name"]?.stringValue else {
                throw EnvironmentError.badTask(file, line: line, "field '\(field).columns[\(offset)].name' must be a string")
            }
            return DBColumn(name: columnName, type: column["type"]?.stringValue ?? "TEXT")
        }
        guard let rowValues = rows?.arrayValue else {
            throw EnvironmentError.badTask(file, line: line, "field '\(field).rows' must be a list of rows")
        }
        let parsedRows = try rowValues.enumerated().map { offset, row -> [String?] in
            guard let cells = row.arrayValue, cells.count == parsedColumns.count else {
                throw EnvironmentError.badTask(
                    file, line: line,
                    "field '\(field).rows[\(offset)]' must be a list of \(parsedColumns.count) values (one per column)")
            }
            return try cells.map { cell in
                if case .null = cell { return nil }
                guard let text = cellText(cell) else {
                    throw EnvironmentError.badTask(file, line: line, "field '\(field).rows[\(offset)]' holds a nested value")
                }
                return text
            }
        }
        return DBTable(name: name, columns: parsedColumns, rows: parsedRows)
    }

    /// A cell as MySQL stores it in a TEXT column when AgentBench inserts it: strings as given, numbers in
    /// Python's text form, booleans as 1/0.
    static func cellText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .double(let number): return PythonRepr.float(number)
        case .bool(let flag): return flag ? "1" : "0"
        case .null, .array, .object: return nil
        }
    }

    /// The 32-hex-digit MD5 inside AgentBench's `answer_md5` text (`[('…',)]`).
    static func hexDigest(in text: String) -> String? {
        let hex = Set("0123456789abcdef")
        var run = ""
        for character in text.lowercased() {
            if hex.contains(character) {
                run.append(character)
                if run.count == 32 { return run }
            } else {
                run = ""
            }
        }
        return nil
    }
}
