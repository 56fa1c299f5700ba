import EmergentCore
import Foundation

/// A knowledge-graph question: the entities it names (name and id, in order), the gold answer (entity ids, or a
/// value such as a count) and, where known, the reference actions that reach it. Stored as `EvalTask.payload`.
public struct KGTask: Sendable, Hashable, Codable {
    /// An entity named in the question.
    public struct Entity: Sendable, Hashable, Codable {
        public var name: String
        public var id: String

        public init(name: String, id: String) {
            self.name = name
            self.id = id
        }
    }

    public var question: String
    public var entities: [Entity]
    /// Reference actions in AgentBench's syntax (`get_neighbors(m.0kg061,film.director.film)`); empty when unknown.
    public var actions: [String]
    /// The variable (`#3`) holding the answer after `actions`; `nil` when there are no actions.
    public var finalVariable: String?
    /// The gold answer set: entity ids, or values (a count is written as its decimal number).
    public var answer: [String]
    /// Display names of the gold answer, for reports (optional).
    public var answerNames: [String]?
    /// Where the task comes from: `emergent` (our JSONL) or `agentbench` (AgentBench's dev.json).
    public var source: String
    /// AgentBench's question id and S-expression, kept for reference.
    public var qid: String?
    public var sExpression: String?

    public init(question: String, entities: [Entity], actions: [String] = [], finalVariable: String? = nil,
                answer: [String], answerNames: [String]? = nil, source: String = "emergent", qid: String? = nil,
                sExpression: String? = nil) {
        self.question = question
        self.entities = entities
        self.actions = actions
        self.finalVariable = finalVariable
        self.answer = answer
        self.answerNames = answerNames
        self.source = source
        self.qid = qid
        self.sExpression = sExpression
    }

    enum CodingKeys: String, CodingKey {
        case question, entities, actions, finalVariable = "final_variable", answer, answerNames = "answer_names"
        case source, qid, sExpression = "s_expression"
    }

    /// The task's payload as the `kg` environment reads it.
    static func from(_ task: EvalTask) throws -> KGTask {
        do {
            return try task.payload.decode(as: KGTask.self)
        } catch {
            throw EnvironmentError("task \(task.id) is not a kg task: \(error)")
        }
    }

    func evalTask(id: String) throws -> EvalTask {
        EvalTask(id: id, environment: "kg", summary: question, payload: try JSONValue(encoding: self))
    }

    /// The variable the reference actions leave the answer in: the last one they create.
    static func lastVariable(of actions: [String]) -> String? {
        let created = actions.compactMap(KGActionParser.parseCall).filter { KGFunction(rawValue: $0.name)?.makesVariable == true }
        return created.isEmpty ? nil : "#\(created.count - 1)"
    }
}

/// Reads kg task files: Emergent's JSONL (one task a line) and AgentBench's `dev.json` (a JSON array).
enum KGTaskLoader {
    static func load(_ file: URL) throws -> [EvalTask] {
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw EnvironmentError("cannot read task file \(file.path): \(error.localizedDescription)")
        }
        let tasks = text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("[")
            ? try agentBench(text, file: file)
            : try JSONLines.read(file) { value, line in try emergent(value, file: file, line: line) }
        var seen = Set<String>()
        for task in tasks where !seen.insert(task.id).inserted {
            throw EnvironmentError("\(file.path): task id '\(task.id)' appears twice; task ids must be unique")
        }
        return tasks
    }

    /// One line of our JSONL format.
    static func emergent(_ value: JSONValue, file: URL, line: Int) throws -> EvalTask {
        func bad(_ problem: String) -> EnvironmentError { EnvironmentError.badTask(file, line: line, problem) }
        guard value.objectValue != nil else { throw bad("a task must be a JSON object") }
        guard let id = value["id"]?.stringValue, !id.isEmpty else { throw bad("field 'id' must be a non-empty string") }
        guard let question = value["question"]?.stringValue, !question.isEmpty else {
            throw bad("field 'question' must be a non-empty string")
        }
        let entities = try entityList(value["entities"], bad)
        let actions = try stringList(value["actions"] ?? .array([]), field: "actions", bad)
        let answer = try answerList(value["answer"], bad)
        var finalVariable = KGTask.lastVariable(of: actions)
        if let given = value["final_variable"] {
            guard let text = given.stringValue, KGActionParser.variableIndex(text) != nil else {
                throw bad("field 'final_variable' must be a variable such as \"#2\"")
            }
            finalVariable = text
        }
        let names = try value["answer_names"].map { try stringList($0, field: "answer_names", bad) }
        let task = KGTask(question: question, entities: entities, actions: actions, finalVariable: finalVariable,
                          answer: answer, answerNames: names)
        return try task.evalTask(id: id)
    }

    /// AgentBench's dev.json: an array of {question, qid, entities, s_expression, actions, answer}.
    static func agentBench(_ text: String, file: URL) throws -> [EvalTask] {
        let root: JSONValue
        do {
            root = try JSONParser.parse(text)
        } catch {
            throw EnvironmentError("\(file.path): not valid JSON (\(error))")
        }
        guard let items = root.arrayValue else { throw EnvironmentError("\(file.path): must be a JSON array of tasks") }
        return try items.enumerated().map { index, item in
            func bad(_ problem: String) -> EnvironmentError {
                EnvironmentError("\(file.path): task [\(index)]: \(problem)")
            }
            guard let question = item["question"]?.stringValue, !question.isEmpty else {
                throw bad("field 'question' must be a non-empty string")
            }
            let entities = try entityList(item["entities"], bad)
            let actions = try stringList(item["actions"] ?? .array([]), field: "actions", bad)
            let answer = try answerList(item["answer"], bad)
            let task = KGTask(
                question: question, entities: entities, actions: actions,
                finalVariable: KGTask.lastVariable(of: actions), answer: answer,
                answerNames: item["answer"]?.arrayValue?.compactMap { $0["entity_name"]?.stringValue },
                source: "agentbench", qid: item["qid"]?.stringValue, sExpression: item["s_expression"]?.stringValue)
            return try task.evalTask(id: "kg-\(index)")
        }
    }

    static func entityList(_ value: JSONValue?, _ bad: (String) -> EnvironmentError) throws -> [KGTask.Entity] {
        guard let object = value?.objectValue else {
            throw bad("field 'entities' must be an object mapping each entity's name to its id")
        }
        return try object.map { name, id in
            guard let id = id.stringValue, !id.isEmpty else {
                throw bad("field 'entities': the id of '\(name)' must be a non-empty string")
            }
            return KGTask.Entity(name: name, id: id)
        }
    }

    static func stringList(_ value: JSONValue, field: String, _ bad: (String) -> EnvironmentError) throws -> [String] {
        guard let items = value.arrayValue else { throw bad("field '\(field)' must be an array of strings") }
        return try items.map {
            guard let text = $0.stringValue else { throw bad("field '\(field)' must hold only strings") }
            return text
        }
    }

    /// The gold answer: strings or numbers (ours), or AgentBench's `{answer_type, answer_argument}` objects.
    static func answerList(_ value: JSONValue?, _ bad: (String) -> EnvironmentError) throws -> [String] {
        guard let items = value?.arrayValue, !items.isEmpty else {
            throw bad("field 'answer' must be a non-empty array of entity ids or values")
        }
        return try items.map { item in
            switch item {
            case .string(let text): return text
            case .int(let number): return String(number)
            case .object:
                guard let argument = item["answer_argument"]?.stringValue else {
                    throw bad("field 'answer': an object answer needs a string 'answer_argument'")
                }
                return argument
            default:
                throw bad("field 'answer' must hold entity ids, numbers or {answer_argument} objects")
            }
        }
    }
}
