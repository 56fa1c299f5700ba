import EmergentCore
import Foundation

/// What `emergent emergence measure` writes and `emergent emergence fit` reads: every checkpoint with its loss, and
/// one tidy row per (checkpoint, task, metric). Stored as `results.json` (this type) and `results.csv` (the rows).
public struct EmergenceResults: Sendable, Hashable, Codable {
    /// One measured checkpoint.
    public struct Checkpoint: Sendable, Hashable, Codable {
        /// A short unique id (`q4_k_m`, `step-20000`).
        public var id: String
        public var label: String?
        /// The GGUF file measured.
        public var path: String?
        /// Parameter count.
        public var parameters: Double
        /// Training tokens, when known (for compute = 6·N·D and the Chinchilla fit).
        public var trainingTokens: Double?
        /// Mean token cross-entropy on the corpus, in nats per token.
        public var loss: Double

        enum CodingKeys: String, CodingKey {
            case id, label, path, parameters, trainingTokens = "training_tokens", loss
        }

        public init(
            id: String, label: String? = nil, path: String? = nil, parameters: Double, trainingTokens: Double? = nil,
            loss: Double
        ) {
            self.id = id
            self.label = label
            self.path = path
            self.parameters = parameters
            self.trainingTokens = trainingTokens
            self.loss = loss
        }
    }

    /// One score: a checkpoint's value of one metric on one task.
    public struct Row: Sendable, Hashable, Codable {
        public var checkpoint: String
        public var task: String
        /// `acc`, `acc_norm`, `correct_choice_prob`, `brier`, `exact_match`, `edit_similarity`, or a task's own.
        public var metric: String
        public var value: Double
        /// The metric's value for a model that guesses (1/choices for accuracy; 1 − 1/k for the Brier score).
        public var chance: Double
        public var higherIsBetter: Bool
        /// Whether the metric is continuous (probabilities, Brier, edit similarity) or discontinuous (accuracy,
        /// exact match) — the metric-mirage comparison pairs them.
        public var continuous: Bool
        /// Items scored.
        public var count: Int

        enum CodingKeys: String, CodingKey {
            case checkpoint, task, metric, value, chance, higherIsBetter = "higher_is_better", continuous, count
        }

        public init(
            checkpoint: String, task: String, metric: String, value: Double, chance: Double, higherIsBetter: Bool,
            continuous: Bool, count: Int
        ) {
            self.checkpoint = checkpoint
            self.task = task
            self.metric = metric
            self.value = value
            self.chance = chance
            self.higherIsBetter = higherIsBetter
            self.continuous = continuous
            self.count = count
        }
    }

    /// Format version of the file.
    public var version: Int
    /// What the loss was measured on (a file name or description).
    public var corpus: String
    public var checkpoints: [Checkpoint]
    public var rows: [Row]

    public init(version: Int = 1, corpus: String, checkpoints: [Checkpoint], rows: [Row]) {
        self.version = version
        self.corpus = corpus
        self.checkpoints = checkpoints
        self.rows = rows
    }

    /// Reads `results.json`.
    public static func load(from url: URL) throws -> EmergenceResults {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw EmergenceError("cannot read the results file '\(url.path)'; run `emergent emergence measure` first")
        }
        do {
            return try JSONDecoder().decode(EmergenceResults.self, from: data)
        } catch {
            throw EmergenceError("'\(url.path)' is not an emergence results file: \(error)")
        }
    }

    /// Writes `results.json` (pretty, sorted keys).
    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(self).write(to: url, options: .atomic)
    }

    /// The rows as CSV with a header: checkpoint, label, parameters, training_tokens, loss, task, metric, value,
    /// chance, higher_is_better, continuous, count.
    public var csv: String {
        var lines = ["checkpoint,label,parameters,training_tokens,loss,task,metric,value,chance,higher_is_better,continuous,count"]
        let byID = Dictionary(checkpoints.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for row in rows {
            let checkpoint = byID[row.checkpoint]
            let fields: [String] = [
                row.checkpoint, checkpoint?.label ?? "", checkpoint.map { String($0.parameters) } ?? "",
                checkpoint?.trainingTokens.map { String($0) } ?? "", checkpoint.map { String($0.loss) } ?? "",
                row.task, row.metric, String(row.value), String(row.chance), String(row.higherIsBetter),
                String(row.continuous), String(row.count),
            ]
            lines.append(fields.map(Self.csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// A problem in the emergence tools' input, with what to do.
public struct EmergenceError: EmergentError {
    public var message: String
    public var recovery: String? { nil }

    public init(_ message: String) { self.message = message }
}
