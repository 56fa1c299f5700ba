import EmergentCore
import Foundation
import Yams

/// A benchmark task read from a task file: a small YAML close to lm-eval's task format plus a JSONL data file.
/// See docs/emergence.md, "Task files".
public struct EmergenceTask: Sendable, Hashable {
    /// How a task is scored.
    public enum OutputType: String, Sendable, Hashable, Codable {
        /// Each choice's log-likelihood after the prompt: acc, acc_norm, correct_choice_prob, brier.
        case multipleChoice = "multiple_choice"
        /// Greedy generation, an extracted answer: exact_match, edit_similarity.
        case generateUntil = "generate_until"
    }

    /// The choices of a multiple-choice task: a template (a list field, or a `|`-free text) or a fixed list.
    public enum Choices: Sendable, Hashable {
        case template(TaskTemplate)
        case list([String])
    }

    public var name: String
    /// The JSONL data file (resolved against the task file's folder).
    public var datasetPath: String
    public var outputType: OutputType
    public var docToText: TaskTemplate
    public var docToChoice: Choices?
    public var docToTarget: TaskTemplate
    public var targetDelimiter: String
    /// Generation stops before any of these.
    public var until: [String]
    public var maxGenerationTokens: Int
    /// A regular expression whose first capture group (or whole match) is the model's answer.
    public var filter: String?
    public var fewShot: Int
    /// The accuracy of guessing, when the task knows better than 1/choices.
    public var chance: Double?
    /// The records, in file order, with their line numbers.
    public var records: [(line: Int, record: JSONObject)]
    /// A hash of the task file and its data, for the measurement cache.
    public var contentHash: String

    public static func == (lhs: EmergenceTask, rhs: EmergenceTask) -> Bool {
        lhs.name == rhs.name && lhs.contentHash == rhs.contentHash
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(contentHash)
    }

    /// Reads a task file and its JSONL data, checking every field.
    public static func load(from url: URL) throws(EmergenceError) -> EmergenceTask {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw EmergenceError("cannot read the task file '\(url.path)'; check the path")
        }
        let file: TaskFile
        do {
            file = try YAMLDecoder().decode(TaskFile.self, from: text)
        } catch let error as EmergenceError {
            throw EmergenceError("task file '\(url.path)': \(error.message)")
        } catch {
            throw EmergenceError("task file '\(url.path)' is not a valid task: \(error)")
        }
        let dataURL =
            file.datasetPath.hasPrefix("/")
            ? URL(fileURLWithPath: file.datasetPath)
            : url.deletingLastPathComponent().appendingPathComponent(file.datasetPath)
        guard let data = try? String(contentsOf: dataURL, encoding: .utf8) else {
            throw EmergenceError(
                "task '\(file.task)': cannot read its dataset_path '\(dataURL.path)'; check the path in '\(url.path)'")
        }
        var records: [(Int, JSONObject)] = []
        for (index, line) in data.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard case .object(let object)? = try? JSONValue(parsing: trimmed) else {
                throw EmergenceError(
                    "task '\(file.task)': line \(index + 1) of '\(dataURL.path)' is not a JSON object; each line "
                        + "must hold one record such as {\"question\": …, \"answer\": …}")
            }
            records.append((index + 1, object))
        }
        guard !records.isEmpty else { throw EmergenceError("task '\(file.task)': '\(dataURL.path)' has no records") }
        if let filter = file.filter {
            guard (try? NSRegularExpression(pattern: filter)) != nil else {
                throw EmergenceError("task '\(file.task)': the filter '\(filter)' is not a valid regular expression")
            }
        }
        if file.outputType == .multipleChoice, file.docToChoice == nil {
            throw EmergenceError("task '\(file.task)': a multiple_choice task needs doc_to_choice")
        }
        return EmergenceTask(
            name: file.task, datasetPath: dataURL.path, outputType: file.outputType,
            docToText: TaskTemplate(file.docToText), docToChoice: file.docToChoice, docToTarget: file.docToTarget,
            targetDelimiter: file.targetDelimiter ?? " ", until: file.generationKwargs?.until ?? ["\n"],
            maxGenerationTokens: file.generationKwargs?.maxGenToks ?? 32, filter: file.filter,
            fewShot: file.numFewshot ?? 0, chance: file.chance, records: records,
            contentHash: ContentHash.of([text, data]))
    }

    /// The items to score: the first `limit` records rendered, with `fewShot` examples from the start of the data
    /// (never the item itself) before each prompt.
    public func items(limit: Int? = nil) throws(EmergenceError) -> [TaskItem] {
        let chosen = limit.map { Array(records.prefix(max(0, $0))) } ?? records
        var items: [TaskItem] = []
        for (line, record) in chosen {
            do throws(EmergenceError) {
                var prompt = try docToText.render(record)
                if fewShot > 0 {
                    var shots: [String] = []
                    for (otherLine, other) in records where otherLine != line && shots.count < fewShot {
                        let example = try item(line: otherLine, record: other, prompt: docToText.render(other))
                        shots.append(example.prompt + targetDelimiter + example.targetText)
                    }
                    prompt = (shots + [prompt]).joined(separator: "\n\n")
                }
                items.append(try item(line: line, record: record, prompt: prompt))
            } catch {
                throw EmergenceError("task '\(name)': record on line \(line): \(error.message)")
            }
        }
        return items
    }

    private func item(line: Int, record: JSONObject, prompt: String) throws(EmergenceError) -> TaskItem {
        let targetValue: JSONValue
        if let field = docToTarget.soleField, let value = TaskTemplate.value(of: field, in: record) {
            targetValue = value
        } else {
            targetValue = .string(try docToTarget.render(record))
        }
        switch outputType {
        case .generateUntil:
            return TaskItem(line: line, prompt: prompt, choices: [], target: TaskTemplate.text(of: targetValue))
        case .multipleChoice:
            let choices = try self.choices(for: record)
            guard choices.count >= 2 else { throw EmergenceError("it has \(choices.count) choice(s); needs 2 or more") }
            let index: Int
            switch targetValue {
            case .int(let value): index = value
            case .string(let text):
                if let found = choices.firstIndex(of: text) {
                    index = found
                } else if let number = Int(text) {
                    index = number
                } else {
                    throw EmergenceError("its target '\(text)' is neither a choice nor a choice index")
                }
            default: throw EmergenceError("its target \(targetValue.compactJSON) is neither a choice nor an index")
            }
            guard choices.indices.contains(index) else {
                throw EmergenceError("its target index \(index) is outside its \(choices.count) choices")
            }
            return TaskItem(line: line, prompt: prompt, choices: choices, target: choices[index], targetIndex: index)
        }
    }

    private func choices(for record: JSONObject) throws(EmergenceError) -> [String] {
        switch docToChoice {
        case .list(let list): return list
        case .template(let template):
            if let field = template.soleField, case .array(let values)? = TaskTemplate.value(of: field, in: record) {
                return values.map(TaskTemplate.text(of:))
            }
            throw EmergenceError("doc_to_choice '\(template.source)' must name a list field of the record")
        case nil: throw EmergenceError("the task has no doc_to_choice")
        }
    }
}

/// One rendered task item: the prompt, its choices (multiple choice) and the right answer.
public struct TaskItem: Sendable, Hashable {
    /// The line of the JSONL file it came from.
    public var line: Int
    public var prompt: String
    /// Empty for generation tasks.
    public var choices: [String]
    /// The right answer's text.
    public var targetText: String
    /// The right choice, for multiple choice.
    public var targetIndex: Int?

    public init(line: Int, prompt: String, choices: [String], target: String, targetIndex: Int? = nil) {
        self.line = line
        self.prompt = prompt
        self.choices = choices
        self.targetText = target
        self.targetIndex = targetIndex
    }
}

/// The YAML shape of a task file.
struct TaskFile: Decodable {
    struct GenerationKwargs: Decodable {
        var until: [String]?
        var maxGenToks: Int?
        enum CodingKeys: String, CodingKey {
            case until, maxGenToks = "max_gen_toks"
        }
    }

    var task: String
    var datasetPath: String
    var outputType: EmergenceTask.OutputType
    var docToText: String
    var docToChoice: EmergenceTask.Choices?
    var docToTarget: TaskTemplate
    var targetDelimiter: String?
    var generationKwargs: GenerationKwargs?
    var filter: String?
    var numFewshot: Int?
    var chance: Double?

    enum CodingKeys: String, CodingKey {
        case task, datasetPath = "dataset_path", outputType = "output_type", docToText = "doc_to_text"
        case docToChoice = "doc_to_choice", docToTarget = "doc_to_target", targetDelimiter = "target_delimiter"
        case generationKwargs = "generation_kwargs", filter, numFewshot = "num_fewshot", chance
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        task = try container.decode(String.self, forKey: .task)
        datasetPath = try container.decode(String.self, forKey: .datasetPath)
        let type = try container.decode(String.self, forKey: .outputType)
        guard let outputType = EmergenceTask.OutputType(rawValue: type) else {
            throw EmergenceError("unknown output_type '\(type)'; use multiple_choice or generate_until")
        }
        self.outputType = outputType
        docToText = try container.decode(String.self, forKey: .docToText)
        if let list = try? container.decodeIfPresent([String].self, forKey: .docToChoice) {
            docToChoice = .list(list)
        } else if let template = try container.decodeIfPresent(String.self, forKey: .docToChoice) {
            docToChoice = .template(TaskTemplate(template))
        }
        if let index = try? container.decode(Int.self, forKey: .docToTarget) {
            docToTarget = TaskTemplate(String(index))
        } else {
            docToTarget = TaskTemplate(try container.decode(String.self, forKey: .docToTarget))
        }
        targetDelimiter = try container.decodeIfPresent(String.self, forKey: .targetDelimiter)
        generationKwargs = try container.decodeIfPresent(GenerationKwargs.self, forKey: .generationKwargs)
        filter = try container.decodeIfPresent(String.self, forKey: .filter)
        numFewshot = try container.decodeIfPresent(Int.self, forKey: .numFewshot)
        chance = try container.decodeIfPresent(Double.self, forKey: .chance)
    }
}

/// A stable 64-bit FNV-1a hash of some texts, as hex: enough to notice a changed file, not a security hash.
enum ContentHash {
    static func of(_ parts: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for part in parts {
            for byte in part.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
            hash ^= 0xff
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
