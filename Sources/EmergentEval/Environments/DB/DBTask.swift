import EmergentCore
import Foundation

/// One column of a DB task's table: its name as written (spaces and punctuation allowed) and its MySQL type.
public struct DBColumn: Sendable, Hashable {
    public var name: String
    public var type: String

    public init(name: String, type: String) {
        self.name = name
        self.type = type
    }
}

/// One table a DB task starts from. Cell values are kept as text (AgentBench's files hold strings, a few numbers);
/// `nil` is SQL NULL.
public struct DBTable: Sendable, Hashable {
    public var name: String
    public var columns: [DBColumn]
    public var rows: [[String?]]

    public init(name: String, columns: [DBColumn], rows: [[String?]]) {
        self.name = name
        self.columns = columns
        self.rows = rows
    }
}

/// Where a DB task came from, which decides how its tables are created.
public enum DBTaskFormat: String, Sendable, Hashable {
    /// AgentBench's dbbench JSONL: every column is created as TEXT, as AgentBench v0.2 does.
    case agentBench = "agentbench"
    /// Emergent's own JSONL: columns get SQLite types mapped from their MySQL types.
    case emergent
}

/// A DB task: tables, a question, its query type and what grades it (an answer list for SELECT types, the
/// table hash reached by the reference SQL for INSERT/UPDATE/DELETE).
public struct DBTask: Sendable, Hashable {
    public var id: String
    public var format: DBTaskFormat
    public var question: String
    /// AgentBench's `add_description` ("The name of this table is …, and the headers of this table are …").
    public var addDescription: String
    /// AgentBench's query type: `other`, `counting`, `comparison`, `ranking`, `aggregation-SUM`/`MIN`/`MAX`/`AVG`,
    /// `INSERT`, `UPDATE`, `DELETE`.
    public var type: String
    public var tables: [DBTable]
    /// The expected answers of a SELECT-type task (empty for mutations).
    public var label: [String]
    /// Reference SQL, one statement per entry: AgentBench's `sql.query` (SELECT types) or its label (mutations),
    /// Emergent's `solution`.
    public var referenceSQL: [String]
    /// The expected table hash of a mutation task when the file gives it (AgentBench's `answer_md5`, 32 hex digits).
    public var expectedHash: String?

    public init(id: String, format: DBTaskFormat, question: String, addDescription: String, type: String,
                tables: [DBTable], label: [String], referenceSQL: [String], expectedHash: String?) {
        self.id = id
        self.format = format
        self.question = question
        self.addDescription = addDescription
        self.type = type
        self.tables = tables
        self.label = label
        self.referenceSQL = referenceSQL
        self.expectedHash = expectedHash
    }

    /// Whether the task changes the table (graded by the table hash) rather than asking a question.
    public var isMutation: Bool { DBTask.mutationTypes.contains(type) }

    /// AgentBench's category of the task: `SELECT` for every question type, else the mutation type.
    public var category: String { isMutation ? type : "SELECT" }

    static let mutationTypes: Set<String> = ["INSERT", "UPDATE", "DELETE"]

    /// AgentBench's standard table description, used when a task gives none.
    static func standardDescription(of tables: [DBTable]) -> String {
        tables.map { table in
            "The name of this table is \(table.name), and the headers of this table are "
                + table.columns.map(\.name).joined(separator: ",") + "."
        }.joined(separator: " ")
    }

    // MARK: payload

    /// The task as the `EvalTask` the runner carries.
    var evalTask: EvalTask {
        let tablesJSON: [JSONValue] = tables.map { table in
            .object([
                "name": .string(table.name),
                "columns": .array(table.columns.map { .object(["name": .string($0.name), "type": .string($0.type)]) }),
                "rows": .array(table.rows.map { row in .array(row.map { $0.map(JSONValue.string) ?? .null }) }),
            ])
        }
        var payload: JSONObject = [
            "format": .string(format.rawValue),
            "question": .string(question),
            "add_description": .string(addDescription),
            "type": .string(type),
            "tables": .array(tablesJSON),
            "label": .array(label.map(JSONValue.string)),
            "reference_sql": .array(referenceSQL.map(JSONValue.string)),
        ]
        if let expectedHash { payload["expected_hash"] = .string(expectedHash) }
        let oneLine = question.count > 100 ? String(question.prefix(97)) + "..." : question
        return EvalTask(id: id, environment: "db", summary: "[\(type)] \(oneLine)", payload: .object(payload))
    }

    /// Reads a task back from an `EvalTask` made by `evalTask`.
    init(_ task: EvalTask) throws {
        let payload = task.payload
        func text(_ key: String) throws -> String {
            guard let value = payload[key]?.stringValue else {
                throw EnvironmentError("DB task \(task.id): payload field '\(key)' is missing or not a string")
            }
            return value
        }
        func strings(_ key: String) throws -> [String] {
            guard let values = payload[key]?.arrayValue else {
                throw EnvironmentError("DB task \(task.id): payload field '\(key)' is missing or not a list")
            }
            return try values.map { value in
                guard let string = value.stringValue else {
                    throw EnvironmentError("DB task \(task.id): payload field '\(key)' holds a non-string")
                }
                return string
            }
        }
        guard let format = DBTaskFormat(rawValue: try text("format")) else {
            throw EnvironmentError("DB task \(task.id): unknown payload format")
        }
        guard let tableValues = payload["tables"]?.arrayValue else {
            throw EnvironmentError("DB task \(task.id): payload field 'tables' is missing")
        }
        let tables = try tableValues.map { value -> DBTable in
            guard let name = value["name"]?.stringValue, let columns = value["columns"]?.arrayValue,
                  let rows = value["rows"]?.arrayValue
            else { throw EnvironmentError("DB task \(task.id): a payload table lacks name, columns or rows") }
            return DBTable(
                name: name,
                columns: columns.map { DBColumn(name: $0["name"]?.stringValue ?? "", type: $0["type"]?.stringValue ?? "TEXT") },
                rows: rows.map { row in (row.arrayValue ?? []).map { $0.stringValue } })
        }
        self.init(id: task.id, format: format, question: try text("question"),
                  addDescription: try text("add_description"), type: try text("type"), tables: tables,
                  label: try strings("label"), referenceSQL: try strings("reference_sql"),
                  expectedHash: payload["expected_hash"]?.stringValue)
    }
}
