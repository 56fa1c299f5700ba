import EmergentCore
import Foundation

/// Reads OS task files: Emergent's JSONL format (one task per line, each with an `id`) and AgentBench's
/// `os_interaction` JSON format (a list of tasks, or one task, or JSONL lines without ids).
struct OSTaskLoader {
    init(scriptsDirectory: URL?) {
        self.scriptsDirectory = scriptsDirectory
    }

    /// Where AgentBench's script files (`init/...`, `check/...`, `example/...`) are looked up; nil: a `scripts`
    /// folder next to the task file.
    var scriptsDirectory: URL?

    /// AgentBench's generic check scripts, evaluated natively.
    static let builtinChecks: [String: String] = [
        "integer-match.py": "integer-match", "string-match.py": "string-match", "size-match.py": "size-match",
        "containing.py": "containing", "in.py": "in",
    ]

    func load(_ file: URL) throws -> [EvalTask] {
        var resolved = self
        resolved.fallbackScripts = file.deletingLastPathComponent().appendingPathComponent("scripts")
        return try resolved.loadResolved(file)
    }

    private func loadResolved(_ file: URL) throws -> [EvalTask] {
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw EnvironmentError("cannot read task file \(file.path): \(error.localizedDescription)")
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if file.pathExtension.lowercased() == "json" || trimmed.hasPrefix("[") {
            return try loadAgentBenchJSON(trimmed, file: file)
        }
        var tasks: [EvalTask] = []
        var seen: Set<String> = []
        var agentBenchIndex = 0
        let entries: [(JSONValue, Int)] = try JSONLines.read(file) { value, line in (value, line) }
        for (value, line) in entries {
            guard let object = value.objectValue else {
                throw EnvironmentError.badTask(file, line: line, "a task must be a JSON object")
            }
            let task: EvalTask
            if object["id"] != nil {
                task = try ownTask(object, file: file, line: line)
            } else {
                let parsed = try agentBenchTask(object) { EnvironmentError.badTask(file, line: line, $0) }
                task = try parsed.evalTask(id: agentBenchID(file, agentBenchIndex))
                agentBenchIndex += 1
            }
            guard seen.insert(task.id).inserted else {
                throw EnvironmentError.badTask(file, line: line, "field 'id': '\(task.id)' is used twice")
            }
            tasks.append(task)
        }
        return tasks
    }

    private func agentBenchID(_ file: URL, _ index: Int) -> String {
        "agentbench-\(file.deletingPathExtension().lastPathComponent)-\(index)"
    }

    // MARK: AgentBench

    private func loadAgentBenchJSON(_ text: String, file: URL) throws -> [EvalTask] {
        let root: JSONValue
        do {
            root = try JSONParser.parse(text)
        } catch {
            throw EnvironmentError("\(file.path): not valid JSON (\(error))")
        }
        let items: [JSONValue]
        switch root {
        case .array(let list): items = list
        case .object: items = [root]
        default: throw EnvironmentError("\(file.path): expected a list of tasks or one task object")
        }
        return try items.enumerated().map { index, item in
            guard let object = item.objectValue else {
                throw EnvironmentError("\(file.path): task \(index): a task must be a JSON object")
            }
            let task = try agentBenchTask(object) { EnvironmentError("\(file.path): task \(index): \($0)") }
            return try task.evalTask(id: agentBenchID(file, index))
        }
    }

    /// One task in AgentBench's format, read the way AgentBench's loader reads it.
    private func agentBenchTask(_ item: JSONObject, fail: (String) -> EnvironmentError) throws -> OSTask {
        guard let description = item["description"]?.stringValue else {
            throw fail("field 'description' must be a string")
        }
        var initScripts: [OSScript] = []
        // AgentBench only looks inside `create` when it is an object; anything else means "no init".
        if let create = item["create"]?.objectValue, let initValue = create["init"] {
            let values = initValue.arrayValue ?? [initValue]
            for (index, value) in values.enumerated() {
                guard let script = try script(value, field: "create.init[\(index)]", fail: fail) else {
                    throw fail("field 'create.init[\(index)]' must be a script, not null")
                }
                initScripts.append(script)
            }
        }
        var start: OSScript?
        if let value = item["start"] { start = try script(value, field: "start", fail: fail) }
        guard let evaluation = item["evaluation"]?.objectValue else {
            throw fail("field 'evaluation' must be an object")
        }
        var result = OSEvaluation()
        if let match = evaluation["match"] {
            if let answer = match.stringValue {
                result.match = OSMatch(answer: answer, rule: .exact, strip: true)
            } else if let object = match.objectValue {
                let strip = object["strip"] == .bool(true)
                if let answer = object["answer"]?.stringValue {
                    result.match = OSMatch(answer: answer, rule: .exact, strip: strip)
                } else if let regex = object["regex"]?.stringValue {
                    result.match = OSMatch(answer: regex, rule: .regex, strip: strip)
                } else {
                    throw fail("field 'evaluation.match' needs 'answer' or 'regex'")
                }
            } else {
                throw fail("field 'evaluation.match' must be a string or an object")
            }
        } else if let check = evaluation["check"] {
            let values = check.arrayValue ?? [check]
            result.check = try values.enumerated().map { index, value in
                try script(value, field: "evaluation.check[\(index)]", fail: fail)
            }
            if let example = evaluation["example"] {
                result.example = try script(example, field: "evaluation.example", fail: fail)
            }
            if result.check?.contains(where: { $0 == nil }) == true, result.example == nil {
                throw fail("field 'evaluation.example' is needed: a check step is null (run the example)")
            }
        } else {
            throw fail("field 'evaluation' needs 'match' or 'check'")
        }
        let labels = item["labels"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return OSTask(description: description, initScripts: initScripts, start: start, evaluation: result,
                      labels: labels)
    }

    /// AgentBench's script object: null, a bash string, or {language?, file | code}.
    private func script(_ value: JSONValue, field: String, fail: (String) -> EnvironmentError) throws -> OSScript? {
        switch value {
        case .null:
            return nil
        case .string(let code):
            return OSScript(language: "bash", code: code)
        case .object(let object):
            let language = object["language"]?.stringValue ?? "bash"
            guard ["bash", "python"].contains(language) else {
                throw fail("field '\(field).language': '\(language)' is not supported (bash or python)")
            }
            if let file = object["file"]?.stringValue {
                let name = (file as NSString).lastPathComponent
                if let builtin = Self.builtinChecks[name], file.hasPrefix("check/") || !file.contains("/") {
                    return OSScript(language: language, builtin: builtin)
                }
                let url = (scriptsDirectory ?? fallbackScripts).appendingPathComponent(file)
                if let code = try? String(contentsOf: url, encoding: .utf8) {
                    return OSScript(language: language, code: code)
                }
                return OSScript(language: language, missingFile: url.path)
            }
            if let code = object["code"]?.stringValue {
                return OSScript(language: language, code: code)
            }
            throw fail("field '\(field)' needs 'file' or 'code'")
        default:
            throw fail("field '\(field)' must be null, a string or an object")
        }
    }

    /// The `scripts` folder next to the file being read (set by `load`).
    private var fallbackScripts = URL(fileURLWithPath: "scripts")

    // MARK: Emergent's own format

    private static let ownKeys: Set<String> = ["id", "description", "labels", "init", "start", "evaluation",
                                               "solution"]

    private func ownTask(_ object: JSONObject, file: URL, line: Int) throws -> EvalTask {
        func fail(_ text: String) -> EnvironmentError { EnvironmentError.badTask(file, line: line, text) }
        for key in object.keys where !Self.ownKeys.contains(key) {
            throw fail("field '\(key)' is not a task field (\(Self.ownKeys.sorted().joined(separator: ", ")))")
        }
        guard let id = object["id"]?.stringValue, !id.isEmpty else { throw fail("field 'id' must be a string") }
        guard let description = object["description"]?.stringValue, !description.isEmpty else {
            throw fail("field 'description' must be a non-empty string")
        }
        func optionalScript(_ key: String) throws -> OSScript? {
            guard let value = object[key], value != .null else { return nil }
            guard let code = value.stringValue else { throw fail("field '\(key)' must be a bash script string") }
            return OSScript(language: "bash", code: code)
        }
        let initScript = try optionalScript("init")
        let start = try optionalScript("start")
        var labels: [String] = []
        if let value = object["labels"] {
            guard let list = value.arrayValue?.compactMap(\.stringValue), list.count == value.arrayValue?.count
            else { throw fail("field 'labels' must be a list of strings") }
            labels = list
        }
        guard let evaluation = object["evaluation"]?.objectValue else {
            throw fail("field 'evaluation' must be an object with 'match' or 'check'")
        }
        var result = OSEvaluation()
        switch (evaluation["match"], evaluation["check"]) {
        case (let match?, nil):
            guard let match = match.objectValue, let answer = match["answer"]?.stringValue else {
                throw fail("field 'evaluation.match' must be an object with a string 'answer'")
            }
            let ruleName = match["rule"]?.stringValue ?? "exact"
            guard let rule = OSMatchRule(rawValue: ruleName) else {
                throw fail("field 'evaluation.match.rule': '\(ruleName)' is not one of "
                           + OSMatchRule.allCases.map(\.rawValue).joined(separator: ", "))
            }
            if rule == .regex, (try? NSRegularExpression(pattern: answer)) == nil {
                throw fail("field 'evaluation.match.answer' is not a valid regular expression")
            }
            var tolerance: Double?
            if let value = match["tolerance"] {
                guard let number = value.doubleValue else { throw fail("field 'evaluation.match.tolerance'") }
                tolerance = number
            }
            result.match = OSMatch(answer: answer, rule: rule, strip: true, tolerance: tolerance)
        case (nil, let check?):
            guard let code = check.stringValue else {
                throw fail("field 'evaluation.check' must be a bash script string")
            }
            result.check = [OSScript(language: "bash", code: code)]
        default:
            throw fail("field 'evaluation' must have exactly one of 'match' and 'check'")
        }
        var solution: OSSolution?
        if let value = object["solution"] {
            guard let solutionObject = value.objectValue else { throw fail("field 'solution' must be an object") }
            let commandValues = solutionObject["commands"]?.arrayValue ?? []
            let commands = commandValues.compactMap(\.stringValue)
            guard commands.count == commandValues.count else {
                throw fail("field 'solution.commands' must be a list of strings")
            }
            var answer: String?
            if let answerValue = solutionObject["answer"], answerValue != .null {
                guard let text = answerValue.stringValue else { throw fail("field 'solution.answer' must be a string") }
                answer = text
            }
            solution = OSSolution(commands: commands, answer: answer)
        }
        let task = OSTask(description: description, initScripts: initScript.map { [$0] } ?? [], start: start,
                          evaluation: result, labels: labels, solution: solution)
        return try task.evalTask(id: id)
    }
}
