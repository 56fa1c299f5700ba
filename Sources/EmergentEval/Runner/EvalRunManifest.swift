import Foundation

/// What a run directory holds: who ran, in which mode, on which environments and task files. Written once as
/// `run.json`; a resumed run must match its agent and mode.
public struct EvalRunManifest: Sendable, Hashable, Codable {
    /// Where one environment's tasks came from: `shipped` or a task file's path.
    public struct TaskSource: Sendable, Hashable, Codable {
        public var environment: String
        public var source: String
        public var tasks: Int

        public init(environment: String, source: String, tasks: Int) {
            self.environment = environment
            self.source = source
            self.tasks = tasks
        }
    }

    /// A name for the run in reports (defaults to the agent's label and the mode).
    public var name: String
    public var agent: String
    public var mode: ActionMode
    public var repeats: Int
    public var temperature: Double
    public var sources: [TaskSource]
    public var created: Date
    public var version: String

    public init(name: String, agent: String, mode: ActionMode, repeats: Int, temperature: Double,
                sources: [TaskSource], created: Date = Date(), version: String = EmergentEval.version) {
        self.name = name
        self.agent = agent
        self.mode = mode
        self.repeats = repeats
        self.temperature = temperature
        self.sources = sources
        self.created = created
        self.version = version
    }
}

/// One finished episode as `results.jsonl` lists it: the graded result, where its trajectory is, and its size.
public struct EvalRecord: Sendable, Hashable, Codable {
    public var result: EpisodeResult
    /// The trajectory file, relative to the run directory.
    public var trajectory: String
    public var summary: String
    public var turns: Int
    /// Tokens of the whole conversation, as the model counted them.
    public var tokens: Int
    public var milliseconds: Int
    public var error: String?

    public init(result: EpisodeResult, trajectory: String, summary: String, turns: Int, tokens: Int,
                milliseconds: Int, error: String?) {
        self.result = result
        self.trajectory = trajectory
        self.summary = summary
        self.turns = turns
        self.tokens = tokens
        self.milliseconds = milliseconds
        self.error = error
    }

    /// The key that makes an episode unique in a run: environment, task and attempt.
    public var key: EpisodeKey {
        EpisodeKey(environment: result.environment, taskID: result.taskID, attempt: result.attempt)
    }
}

/// Identifies one episode of a run.
public struct EpisodeKey: Sendable, Hashable, Codable, Comparable {
    public var environment: String
    public var taskID: String
    public var attempt: Int

    public init(environment: String, taskID: String, attempt: Int) {
        self.environment = environment
        self.taskID = taskID
        self.attempt = attempt
    }

    public static func < (lhs: EpisodeKey, rhs: EpisodeKey) -> Bool {
        (lhs.environment, lhs.taskID, lhs.attempt) < (rhs.environment, rhs.taskID, rhs.attempt)
    }
}
