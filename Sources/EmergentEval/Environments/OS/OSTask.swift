import EmergentCore
import Foundation

/// A script an OS task runs in its sandbox: bash or python source, one of AgentBench's generic check scripts
/// (evaluated natively), or a script file that could not be found (the task cannot run until it is supplied).
public struct OSScript: Sendable, Hashable, Codable {
    /// `bash` or `python`.
    public var language: String
    /// The source, when known.
    public var code: String?
    /// A generic check evaluated natively (`integer-match`, `string-match`, `size-match`, `containing`, `in`).
    public var builtin: String?
    /// The file this script was to be read from, when it is missing.
    public var missingFile: String?

    public init(language: String = "bash", code: String? = nil, builtin: String? = nil, missingFile: String? = nil) {
        self.language = language
        self.code = code
        self.builtin = builtin
        self.missingFile = missingFile
    }

    enum CodingKeys: String, CodingKey {
        case language, code, builtin, missingFile = "missing_file"
    }
}

/// How a `match` task compares the agent's answer with the expected one.
public enum OSMatchRule: String, Sendable, Hashable, Codable, CaseIterable {
    /// Equal strings (after trimming whitespace when `strip` is set).
    case exact
    /// Equal after newline normalisation and trimming (AgentBench's string-match).
    case string
    /// Equal integers (AgentBench's integer-match).
    case integer
    /// Numbers within `tolerance` (default 1e-5).
    case float
    /// Equal sizes in bytes, with units such as 4K, 1.5M, 2GB (AgentBench's size-match, see docs).
    case size
    /// The answer contains the expected text.
    case contains
    /// The expected text is a regular expression found in the answer (AgentBench's `regex` match).
    case regex
}

/// The expected answer of a `match` task and how it is compared.
public struct OSMatch: Sendable, Hashable, Codable {
    public var answer: String
    public var rule: OSMatchRule
    /// Trim whitespace around the agent's answer first (AgentBench strips when `match` is a plain string).
    public var strip: Bool
    /// For `float`: the largest accepted absolute difference.
    public var tolerance: Double?

    public init(answer: String, rule: OSMatchRule = .exact, strip: Bool = true, tolerance: Double? = nil) {
        self.answer = answer
        self.rule = rule
        self.strip = strip
        self.tolerance = tolerance
    }
}

/// How a task is graded: by `match` against an expected answer, or by `check` scripts run in the episode's
/// sandbox after the agent is done (a `nil` step runs `example` and adds its output to the parameters).
public struct OSEvaluation: Sendable, Hashable, Codable {
    public var match: OSMatch?
    public var check: [OSScript?]?
    public var example: OSScript?

    public init(match: OSMatch? = nil, check: [OSScript?]? = nil, example: OSScript? = nil) {
        self.match = match
        self.check = check
        self.example = example
    }
}

/// The oracle of a task: bash commands, one per turn, then an answer or `finish`.
public struct OSSolution: Sendable, Hashable, Codable {
    public var commands: [String]
    /// The answer to give; nil means `finish`.
    public var answer: String?

    public init(commands: [String] = [], answer: String? = nil) {
        self.commands = commands
        self.answer = answer
    }
}

/// One OS interaction task: a description, setup scripts, and how it is graded.
public struct OSTask: Sendable, Hashable, Codable {
    public var description: String
    /// Scripts run as separate processes before the episode, in order; any failure stops the task.
    public var initScripts: [OSScript]
    /// A script run in the episode's shell before the agent's first turn (background writers).
    public var start: OSScript?
    public var evaluation: OSEvaluation
    public var labels: [String]
    public var solution: OSSolution?

    public init(description: String, initScripts: [OSScript] = [], start: OSScript? = nil,
                evaluation: OSEvaluation, labels: [String] = [], solution: OSSolution? = nil) {
        self.description = description
        self.initScripts = initScripts
        self.start = start
        self.evaluation = evaluation
        self.labels = labels
        self.solution = solution
    }

    enum CodingKeys: String, CodingKey {
        case description, initScripts = "init", start, evaluation, labels, solution
    }

    /// Script files the task needs but that were not found.
    public var missingFiles: [String] {
        var scripts: [OSScript?] = initScripts.map { $0 }
        scripts.append(start)
        scripts += evaluation.check ?? []
        scripts.append(evaluation.example)
        return scripts.compactMap { $0?.missingFile }
    }

    func evalTask(id: String) throws -> EvalTask {
        let line = description.split(separator: "\n").first.map(String.init) ?? description
        return EvalTask(id: id, environment: "os", summary: String(line.prefix(120)),
                        payload: try JSONValue(encoding: self))
    }
}
