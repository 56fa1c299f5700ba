import EmergentCore
import Foundation

/// An evaluation world in AgentBench's style (v0.2 protocol): it has tasks, opens each episode with instructions,
/// one worked example and the task, takes the agent's actions one turn at a time, and grades the episode with its
/// own metric. Every environment also offers its actions as function-calling tools, so native tool-using models
/// can be compared with text-action prompting.
public protocol Environment: Sendable {
    /// The name used on the command line, in task files and in reports: `os`, `db`, `kg`, `household`, `webshop`.
    var name: String { get }
    /// A title for reports ("Operating system").
    var title: String { get }
    /// The most agent turns an episode may take; an episode not done after them ends with `task_limit`.
    var roundLimit: Int { get }
    /// What `score` measures, as reports name it ("success rate", "answer F1", "average reward").
    var metricName: String { get }

    /// The dev tasks Emergent ships for this environment.
    func devTasks() throws -> [EvalTask]
    /// Reads tasks from a file: this environment's own JSONL format, or AgentBench's format where it has one.
    /// Throws `EnvironmentError` naming the file, line and field that are wrong.
    func loadTasks(from file: URL) throws -> [EvalTask]

    /// Starts a fresh, isolated episode of `task`. The caller ends it with `Episode.close()`.
    func makeEpisode(for task: EvalTask, mode: ActionMode) async throws -> any Episode

    /// The environment's official metric over graded episodes, with a breakdown where the metric has one
    /// (DB: success rate per query type).
    func score(_ results: [EpisodeResult]) -> EnvironmentScore

    /// The actions that solve `task`, one per turn, as the agent would write them in text-action mode (thought
    /// included). Deterministic: replaying them scores the task's full reward. Used by oracle tests and demos.
    func solution(for task: EvalTask) throws -> [String]
    /// The same solution as function calls, one per turn.
    func solutionCalls(for task: EvalTask) throws -> [ToolCall]
}

/// How the agent acts in an episode.
public enum ActionMode: String, Sendable, Codable, CaseIterable {
    /// Thought and action written as text in the environment's action format (AgentBench's protocol).
    case text
    /// Actions offered as function-calling tools.
    case functions
}

/// One live episode of one task. Implementations are actors: the runner calls them from its own tasks.
public protocol Episode: Sendable {
    /// Resets the world and gives the opening: the messages before the agent's first turn (instructions, the worked
    /// example as earlier turns, the task) and, in function-calling mode, the tools on offer.
    func start() async throws -> EpisodeOpening
    /// Applies one action: the agent's whole reply in text mode, or one tool call in function-calling mode (a reply
    /// with no tool call arrives as `.text`).
    func step(_ action: AgentAction) async throws -> StepOutcome
    /// Grades the episode once it is over, whatever ended it (the runner's limits included).
    func grade() async throws -> EpisodeGrade
    /// Releases what the episode holds (sandbox processes, temporary files). Safe to call twice.
    func close() async
}

/// The messages and tools an episode opens with.
public struct EpisodeOpening: Sendable {
    public var messages: [ChatMessage]
    /// Function-calling mode's tools; empty in text mode.
    public var tools: [ToolSpec]

    public init(messages: [ChatMessage], tools: [ToolSpec] = []) {
        self.messages = messages
        self.tools = tools
    }
}

/// What the agent did in one turn.
public enum AgentAction: Sendable, Hashable {
    /// A whole text reply (thought + action in the environment's format).
    case text(String)
    /// One function call (function-calling mode).
    case call(ToolCall)
}

/// What one action led to.
public struct StepOutcome: Sendable, Hashable {
    /// The environment's reply: the next user turn in text mode, the tool result in function-calling mode.
    public var observation: String
    /// Whether the episode is over.
    public var done: Bool
    /// Why it ended, when `done` (`completed`, `invalid_format` or `invalid_action`; the runner adds the limits).
    public var finish: EpisodeFinish?

    public init(observation: String, done: Bool = false, finish: EpisodeFinish? = nil) {
        self.observation = observation
        self.done = done
        self.finish = finish
    }

    /// The episode goes on.
    public static func observe(_ text: String) -> StepOutcome { StepOutcome(observation: text) }
    /// The episode ended the way the task intends (an answer was given, the item bought, the goal reached).
    public static func completed(_ text: String = "") -> StepOutcome {
        StepOutcome(observation: text, done: true, finish: .completed)
    }
    /// The reply did not follow the action format.
    public static func invalidFormat(_ text: String) -> StepOutcome {
        StepOutcome(observation: text, done: true, finish: .invalidFormat)
    }
    /// The action was well formed but not allowed here.
    public static func invalidAction(_ text: String) -> StepOutcome {
        StepOutcome(observation: text, done: true, finish: .invalidAction)
    }
}

/// Why an episode ended: AgentBench's finish reasons, plus two for failures that are not the agent's.
public enum EpisodeFinish: String, Sendable, Hashable, Codable, CaseIterable {
    case completed
    case contextLimit = "context_limit"
    case invalidFormat = "invalid_format"
    case invalidAction = "invalid_action"
    case taskLimit = "task_limit"
    /// The environment failed (a sandbox could not start, a check script crashed); the task is counted as failed.
    case taskError = "task_error"
    /// The backend failed (connection lost, model error); the task is counted as failed.
    case agentError = "agent_error"
}

/// An episode's grade: its reward in 0...1 and what the metric needs to know about it.
public struct EpisodeGrade: Sendable, Hashable, Codable {
    /// 1 for a success; partial credit where the metric has it (KG's F1, WebShop's reward).
    public var reward: Double
    /// Facts the metric or the report uses, such as DB's query `type`, or the expected and given answers.
    public var details: JSONValue

    public init(reward: Double, details: JSONValue = .object([:])) {
        self.reward = reward
        self.details = details
    }
}

/// A finished, graded episode as the runner records it.
public struct EpisodeResult: Sendable, Hashable, Codable {
    public var taskID: String
    public var environment: String
    /// Which repetition (0-based) of the task this was, for `--repeat`.
    public var attempt: Int
    public var finish: EpisodeFinish
    public var reward: Double
    public var rounds: Int
    public var details: JSONValue

    public init(taskID: String, environment: String, attempt: Int = 0, finish: EpisodeFinish, reward: Double,
                rounds: Int, details: JSONValue = .object([:])) {
        self.taskID = taskID
        self.environment = environment
        self.attempt = attempt
        self.finish = finish
        self.reward = reward
        self.rounds = rounds
        self.details = details
    }

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", environment, attempt, finish, reward, rounds, details
    }
}

/// An environment's score over a set of episodes.
public struct EnvironmentScore: Sendable, Hashable, Codable {
    /// The official metric in 0...1 (reports show it as a percentage, as AgentBench's tables do).
    public var value: Double
    /// Named parts of the metric, such as DB's per-type success rates, each in 0...1.
    public var breakdown: [String: Double]
    /// How many episodes were scored.
    public var episodes: Int

    public init(value: Double, breakdown: [String: Double] = [:], episodes: Int) {
        self.value = value
        self.breakdown = breakdown
        self.episodes = episodes
    }

    /// The mean reward: the metric of environments whose score is a success rate or an average reward.
    public static func meanReward(_ results: [EpisodeResult]) -> EnvironmentScore {
        let total = results.reduce(0) { $0 + $1.reward }
        return EnvironmentScore(value: results.isEmpty ? 0 : total / Double(results.count), episodes: results.count)
    }
}
