import EmergentCore
import Foundation

/// AgentTuning's training mixture: η of the examples from agent trajectories and 1 − η from general chat data,
/// after removing exact duplicates, sampled without replacement and shuffled with a seed, so the same inputs and
/// seed give the same file.
public struct TuningMix: Sendable {
    /// What a mix did.
    public struct Report: Sendable, Hashable, Codable {
        public var agentAvailable: Int
        public var generalAvailable: Int
        public var duplicatesRemoved: Int
        public var agentChosen: Int
        public var generalChosen: Int
        public var eta: Double

        enum CodingKeys: String, CodingKey {
            case agentAvailable = "agent_available", generalAvailable = "general_available"
            case duplicatesRemoved = "duplicates_removed", agentChosen = "agent_chosen"
            case generalChosen = "general_chosen", eta
        }
    }

    public var eta: Double
    public var size: Int
    public var seed: UInt64

    public init(eta: Double, size: Int, seed: UInt64) {
        self.eta = eta
        self.size = size
        self.seed = seed
    }

    /// Mixes two JSONL files' lines; returns the mixture's lines (in shuffled order) and the report.
    public func mix(agent agentFile: URL, general generalFile: URL) throws -> (lines: [String], report: Report) {
        let agent = try Self.readExamples(agentFile)
        let general = try Self.readExamples(generalFile)
        if let agentFormat = agent.format, let generalFormat = general.format, agentFormat != generalFormat {
            throw EnvironmentError(
                "\(agentFile.path) holds \(agentFormat) examples but \(generalFile.path) holds \(generalFormat) examples",
                recovery: "Export the trajectories in the general data's format (emergent data export --format \(generalFormat)).")
        }
        return try mix(agent: agent.lines, general: general.lines)
    }

    /// Mixes two lists of examples (JSON lines).
    public func mix(agent: [String], general: [String]) throws -> (lines: [String], report: Report) {
        guard (0...1).contains(eta) else {
            throw EnvironmentError("η must be in 0...1, not \(eta)", recovery: "AgentTuning used --eta 0.2.")
        }
        guard size > 0 else { throw EnvironmentError("--size must be positive, not \(size)") }
        var seen = Set<String>()
        var duplicates = 0
        func unique(_ lines: [String]) -> [String] {
            lines.filter { line in
                let key = Self.canonicalKey(line)
                if seen.contains(key) {
                    duplicates += 1
                    return false
                }
                seen.insert(key)
                return true
            }
        }
        let agentPool = unique(agent)
        let generalPool = unique(general)
        let agentCount = Int((eta * Double(size)).rounded())
        let generalCount = size - agentCount
        guard agentCount <= agentPool.count, generalCount <= generalPool.count else {
            let most = min(eta > 0 ? Double(agentPool.count) / eta : .infinity,
                           eta < 1 ? Double(generalPool.count) / (1 - eta) : .infinity)
            throw EnvironmentError(
                "a mixture of \(size) at η = \(eta) needs \(agentCount) agent and \(generalCount) general examples, but only \(agentPool.count) and \(generalPool.count) distinct ones are available",
                recovery: "Use --size \(Int(most.rounded(.down))) or less, or collect more trajectories.")
        }
        var generator = SeededGenerator(seed: seed)
        let chosenAgent = Array(agentPool.shuffled(using: &generator).prefix(agentCount))
        let chosenGeneral = Array(generalPool.shuffled(using: &generator).prefix(generalCount))
        let lines = (chosenAgent + chosenGeneral).shuffled(using: &generator)
        let report = Report(agentAvailable: agentPool.count, generalAvailable: generalPool.count,
                            duplicatesRemoved: duplicates, agentChosen: agentCount, generalChosen: generalCount,
                            eta: eta)
        return (lines, report)
    }

    /// Two examples are duplicates when their conversations are identical (ids and metadata aside).
    static func canonicalKey(_ line: String) -> String {
        guard let value = try? JSONValue(parsing: line), case .object(let object) = value else { return line }
        if let messages = object["messages"] { return "m:" + messages.compactJSON }
        if let conversations = object["conversations"] {
            let stripped: JSONValue
            if case .array(let turns) = conversations {
                stripped = .array(turns.map { turn in
                    guard case .object(let fields) = turn else { return turn }
                    return ["from": fields["from"] ?? .null, "value": fields["value"] ?? .null]
                })
            } else {
                stripped = conversations
            }
            return "c:" + (object["system"]?.compactJSON ?? "") + stripped.compactJSON
        }
        return "o:" + value.compactJSON
    }

    /// Reads a JSONL file of examples; every line must be a JSON object. The format is `openai` when lines have
    /// `messages`, `sharegpt` when they have `conversations`.
    static func readExamples(_ url: URL) throws -> (lines: [String], format: String?) {
        let values = try JSONLines.read(url) { value, line -> (String, String?) in
            guard case .object(let object) = value else {
                throw EnvironmentError.badTask(url, line: line, "each line must be a JSON object (an example)")
            }
            let format: String? = object["messages"] != nil ? "openai"
                : object["conversations"] != nil ? "sharegpt" : nil
            guard format != nil else {
                throw EnvironmentError.badTask(url, line: line,
                                               "an example needs 'messages' (OpenAI format) or 'conversations' (ShareGPT)")
            }
            return (value.compactJSON, format)
        }
        let formats = Set(values.compactMap(\.1))
        guard formats.count <= 1 else {
            throw EnvironmentError("\(url.path) mixes OpenAI and ShareGPT examples",
                                   recovery: "Convert the file to one format first.")
        }
        return (values.map(\.0), formats.first)
    }
}
