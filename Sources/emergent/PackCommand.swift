import ArgumentParser
import EmergentCore
import EmergentEngine
import EmergentEval
import EmergentModels
import Foundation

/// `emergent pack`: LongAlign's data packing of SFT conversations into training batches.
struct PackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Tokenize SFT conversations and write training batches (naive, sorted or packed) as .npy files.",
        discussion: """
            Reads JSONL conversations (OpenAI {"messages": [...]} or ShareGPT {"conversations": [...]}), builds \
            each one's tokens with the model's chat template (or the plain transcript format without one), and \
            writes input_ids, labels (-100 outside assistant turns), position_ids, cu_seqlens and LongAlign's loss \
            weights per batch, plus index.json. Sequences longer than --max-tokens are truncated. The report \
            compares all three methods on the same data. See docs/packing.md for the format.

            Examples:
              emergent pack --input sft.jsonl --method pack --out packed/
              emergent pack --synthetic 10000 --method pack --out /tmp/packed --json
            """
    )

    @Option(name: .long, help: "The JSONL file of conversations.")
    var input: String?

    @Option(name: .long, help: "naive, sort or pack.")
    var method: PackingMethod = .pack

    @Option(name: .long, help: "Most tokens per pack, and per sequence (longer ones are truncated).")
    var maxTokens: Int = 65_536

    @Option(name: .long, help: "The directory to write the batches and index.json into.")
    var out: String

    @Option(
        name: .long, help: "Path to a GGUF model whose tokenizer and chat template to use (default: the default model)."
    )
    var model: String?

    @Option(name: .long, help: "Sequences per batch for naive and sort.")
    var batchSize: Int = 8

    @Option(name: .long, help: "Seed for sort's grouping and shuffling, and for --synthetic.")
    var seed: UInt64 = 0

    @Option(name: .long, help: "Generate N LongAlign-like conversations into <out>/synthetic.jsonl and pack them.")
    var synthetic: Int?

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    func run() async throws {
        try await CommandErrors.reporting {
            let clock = ContinuousClock()
            let start = clock.now
            let directory = URL(fileURLWithPath: out)
            let inputPath = try inputFile(in: directory)
            let file = try ConversationFile(path: inputPath)
            let readSeconds = (clock.now - start).secondsValue
            let modelPath = model ?? EmergentPaths().defaultModel.path
            let loaded = try await Model.load(from: modelPath, options: ModelOptions(vocabularyOnly: true))
            let format: any ChatPromptFormat = try ChatTemplate.of(loaded) ?? PlainChatFormat()
            let encoder = ConversationEncoder(format: format, tokenizer: ModelTextTokenizer(model: loaded))
            let pipeline = try PackingPipeline(
                method: method, planner: BatchPlanner(batchSize: batchSize, maxTokens: maxTokens, seed: seed),
                tokenizerName: URL(fileURLWithPath: modelPath).lastPathComponent)
            let progress = file.conversations.count >= 1_000 ? ProgressLine(label: "Tokenizing") : nil
            let report = try await pipeline.run(
                conversations: file.conversations, input: inputPath, readSeconds: readSeconds, encoder: encoder,
                directory: directory
            ) { done, total in progress?.update(Double(done) / Double(total)) }
            progress?.finish(detail: "\(file.conversations.count) conversations")
            if json {
                let encoder = JSONEncoder()
                encoder.keyEncodingStrategy = .convertToSnakeCase
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                Terminal.output(String(decoding: try encoder.encode(report), as: UTF8.self) + "\n")
            } else {
                Terminal.output(Self.render(report))
            }
        }
    }

    /// The input path: --input, or a generated synthetic file.
    private func inputFile(in directory: URL) throws -> String {
        if let synthetic {
            guard synthetic >= 1 else {
                throw PackingError.invalidOption(name: "--synthetic", value: "\(synthetic)", expected: "at least 1")
            }
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let path = directory.appendingPathComponent("synthetic.jsonl").path
            let text = SyntheticLongAlignData(seed: seed).jsonl(count: synthetic)
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            } catch {
                throw PackingError.io(path: path, problem: "it cannot be written (\(error.localizedDescription))")
            }
            return path
        }
        guard let input else {
            throw PackingError.invalidOption(name: "input", value: "(none)", expected: "--input FILE or --synthetic N")
        }
        return input
    }

    static func render(_ report: PackingReport) -> String {
        var text = """
            Packed \(report.conversations) conversations from \(report.input) into \(report.output) (method \
            \(report.method.rawValue)): \(report.sequences) sequences, \(report.tokens) tokens, \
            \(report.targetTokens) targets.
            Skipped \(report.skippedWithoutTargets) without assistant turns, \(report.skippedUnsplittable) the \
            template could not split; truncated \(report.truncated) longer than \(report.maxTokens) tokens.

            """
        text += "method  batches  processed tokens  padding  speed-up over naive\n"
        for plan in report.plans {
            let marker = plan.method == report.method ? " (written)" : ""
            text += plan.method.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
            text += String(plan.batches).padding(toLength: 9, withPad: " ", startingAt: 0)
            text += String(plan.processedTokens).padding(toLength: 18, withPad: " ", startingAt: 0)
            text += String(format: "%5.1f%%   %.2fx", plan.paddingFraction * 100, plan.speedupOverNaive) + marker + "\n"
        }
        let rate = report.tokenizeSeconds > 0 ? Double(report.tokens) / report.tokenizeSeconds : 0
        text += String(
            format: "Time: read %.1f s, tokenize %.1f s (%.0f tokens/s), write %.1f s, total %.1f s\n",
            report.readSeconds, report.tokenizeSeconds, rate, report.writeSeconds, report.totalSeconds)
        return text
    }
}

extension PackingMethod: ExpressibleByArgument {}

extension Duration {
    fileprivate var secondsValue: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
