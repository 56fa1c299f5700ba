import EmergentCore
import EmergentTools
import Foundation

/// A run's full record: every step with timings and token counts, the conversation as the model saw it, and the
/// outcome. Serialisable as JSON; the raw material for evaluation and agent tuning.
public struct Trajectory: Sendable, Hashable, Codable {
    /// How the run ended.
    public enum Status: String, Sendable, Hashable, Codable {
        case completed, failed
    }

    public var runID: String
    public var conversationID: String
    public var agent: String
    public var input: String
    public var startedAt: Date
    public var status: Status
    public var steps: [TrajectoryStep]
    /// The whole conversation after the run, system prompt first, including the final answer.
    public var messages: [ChatMessage]
    /// The final answer, citations resolved to `citations`.
    public var answer: String
    public var citations: [Citation]
    public var artifacts: [Artifact]
    /// Token counts over all model calls.
    public var usage: Usage
    public var durationSeconds: Double
    /// Seconds the agent itself spent, outside model calls and tool calls (prompt building, parsing, bookkeeping).
    public var overheadSeconds: Double
    /// Set when a limit ended the run early.
    public var limitHit: AgentLimit?
    /// Set when the run failed: what went wrong and what to do.
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case runID = "run_id", conversationID = "conversation_id", agent, input, startedAt = "started_at", status
        case steps, messages, answer, citations, artifacts, usage, durationSeconds = "duration_seconds"
        case overheadSeconds = "overhead_seconds", limitHit = "limit_hit", error
    }

    /// Tool rounds the run used.
    public var toolRounds: Int { Set(steps.filter { $0.kind == .tool }.map(\.round)).count }

    /// Pretty-printed JSON with snake-case keys, sorted, and ISO 8601 dates with milliseconds.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Self.timestamp(date))
        }
        return try encoder.encode(self)
    }

    /// `2026-11-29T13:22:33.012Z`, from whole milliseconds (formatting fractions from a `Double` would truncate
    /// .012 to .011 and drift on every round trip).
    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (seconds, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        let whole = Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(.iso8601)
        return String(whole.dropLast()) + String(format: ".%03dZ", Int(fraction))
    }

    /// Reads ``timestamp(_:)``'s form (and plain ISO 8601 without fractions).
    static func date(timestamp text: String) -> Date? {
        guard text.hasSuffix("Z") else { return nil }
        let body = text.dropLast()
        let parts = body.split(separator: ".", maxSplits: 1)
        guard let whole = try? Date(String(parts[0]) + "Z", strategy: .iso8601) else { return nil }
        guard parts.count == 2 else { return whole }
        let digits = String(parts[1].prefix(3)).padding(toLength: 3, withPad: "0", startingAt: 0)
        guard let milliseconds = Int(digits) else { return nil }
        return Date(timeIntervalSince1970: whole.timeIntervalSince1970 + Double(milliseconds) / 1000)
    }

    /// Now, to the millisecond (what the JSON form keeps).
    static func now() -> Date {
        Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded() / 1000)
    }

    /// Reads what ``jsonData()`` wrote.
    public static func decode(_ data: Data) throws -> Trajectory {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = Self.date(timestamp: text) else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: decoder.codingPath, debugDescription: "expected an ISO 8601 time, got '\(text)'"))
            }
            return date
        }
        return try decoder.decode(Trajectory.self, from: data)
    }
}
