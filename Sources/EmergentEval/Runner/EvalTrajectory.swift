import EmergentCore
import Foundation

/// The full record of one episode: the conversation exactly as the model saw it, each turn's reply, actions and
/// observations with timings and token counts, and how it ended. Saved as JSON, one file per episode.
public struct EvalTrajectory: Sendable, Hashable, Codable {
    /// One agent turn: the model's reply and what the environment answered.
    public struct Turn: Sendable, Hashable, Codable {
        public var index: Int
        /// The reply's text (thought and, in text mode, the action).
        public var reply: String
        /// Reasoning the backend reported separately (`reasoning_content`), if any.
        public var reasoning: String?
        /// Function calls the reply made (function-calling mode).
        public var calls: [ToolCall]
        /// The environment's answer to each action of the turn, in order.
        public var observations: [String]
        public var promptTokens: Int
        public var completionTokens: Int
        public var milliseconds: Int

        public init(index: Int, reply: String, reasoning: String? = nil, calls: [ToolCall] = [],
                    observations: [String] = [], promptTokens: Int = 0, completionTokens: Int = 0,
                    milliseconds: Int = 0) {
            self.index = index
            self.reply = reply
            self.reasoning = reasoning
            self.calls = calls
            self.observations = observations
            self.promptTokens = promptTokens
            self.completionTokens = completionTokens
            self.milliseconds = milliseconds
        }

        enum CodingKeys: String, CodingKey {
            case index, reply, reasoning, calls, observations, milliseconds
            case promptTokens = "prompt_tokens", completionTokens = "completion_tokens"
        }
    }

    public var task: EvalTask
    public var attempt: Int
    public var mode: ActionMode
    public var agent: String
    /// How many of `messages` are the opening (system prompt, instructions, worked example, task).
    public var openingCount: Int
    /// The whole conversation: the opening, then every reply and observation.
    public var messages: [ChatMessage]
    /// The function-calling tools on offer (empty in text mode).
    public var tools: [ToolSpec]
    public var turns: [Turn]
    public var finish: EpisodeFinish
    public var reward: Double
    public var details: JSONValue
    /// What went wrong, for `task_error` and `agent_error`.
    public var error: String?
    public var startedAt: Date
    public var milliseconds: Int

    /// Tokens of the whole conversation as the model counted it: the last turn's prompt plus its reply.
    public var conversationTokens: Int {
        guard let last = turns.last else { return 0 }
        return last.promptTokens + last.completionTokens
    }

    /// Tokens the agent wrote over the episode.
    public var completionTokens: Int { turns.reduce(0) { $0 + $1.completionTokens } }

    enum CodingKeys: String, CodingKey {
        case task, attempt, mode, agent, openingCount = "opening_count", messages, tools, turns, finish, reward
        case details, error, startedAt = "started_at", milliseconds
    }

    public init(task: EvalTask, attempt: Int, mode: ActionMode, agent: String, openingCount: Int,
                messages: [ChatMessage], tools: [ToolSpec], turns: [Turn], finish: EpisodeFinish, reward: Double,
                details: JSONValue, error: String?, startedAt: Date, milliseconds: Int) {
        self.task = task
        self.attempt = attempt
        self.mode = mode
        self.agent = agent
        self.openingCount = openingCount
        self.messages = messages
        self.tools = tools
        self.turns = turns
        self.finish = finish
        self.reward = reward
        self.details = details
        self.error = error
        self.startedAt = startedAt
        self.milliseconds = milliseconds
    }

    /// The graded result this trajectory ended in.
    public var result: EpisodeResult {
        EpisodeResult(taskID: task.id, environment: task.environment, attempt: attempt, finish: finish,
                      reward: reward, rounds: turns.count, details: details)
    }

    /// Encodes as pretty, key-sorted JSON with ISO-8601 dates.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }

    /// Reads a trajectory file.
    public static func load(_ url: URL) throws -> EvalTrajectory {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(EvalTrajectory.self, from: Data(contentsOf: url))
        } catch {
            throw EnvironmentError("cannot read the trajectory \(url.path): \(error)",
                                   recovery: "The file is damaged; delete it and its line in results.jsonl, then rerun to redo that episode.")
        }
    }
}
