import ArgumentParser
import EmergentCore
import EmergentEngine
import EmergentEval
import Foundation

/// `emergent emergence measure`: loss and task scores for every checkpoint, as results.json and results.csv.
struct EmergenceMeasure: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "measure",
        abstract: "Measure checkpoints' corpus loss and task scores for the emergence analysis.",
        discussion: """
            The loss is the mean token cross-entropy (nats/token) on the corpus, cut into windows as llama.cpp's \
            llama-perplexity does (or sliding windows with --stride). Tasks are lm-eval-like YAML files with JSONL \
            data; see docs/emergence.md. Finished (checkpoint, task) pairs are cached under DIR/cache, so a \
            re-run only measures what changed. Progress goes to stderr.

            Example:
              emergent emergence measure --checkpoints checkpoints.yaml --corpus corpus.txt \\
                --tasks knowledge.yaml,arithmetic_2digit.yaml --out results/
            """
    )

    @Option(name: .long, help: "YAML list of {id, path, parameters, training_tokens?, label?}.")
    var checkpoints: String

    @Option(name: .long, help: "Text file whose loss is measured.")
    var corpus: String

    @Option(name: .long, help: "Comma-separated task files (YAML).")
    var tasks: String = ""

    @Option(name: .long, help: "Folder for results.json, results.csv and the cache.")
    var out: String

    @Option(name: .long, help: "Context window in tokens, for loss windows and prompts.")
    var context: Int = 512

    @Option(name: .long, help: "Sliding-window stride for the loss (default: llama-perplexity's chunks).")
    var stride: Int?

    @Option(name: .long, help: "Score at most this many items per task.")
    var limit: Int?

    @Option(name: .long, help: "CPU threads.")
    var threads: Int = SessionOptions.defaultThreads

    func run() async throws {
        try await CommandErrors.reporting {
            let list = try EmergenceCheckpoint.loadList(from: URL(fileURLWithPath: checkpoints))
            let taskFiles = tasks.split(separator: ",").map { URL(fileURLWithPath: String($0)) }
            _ = try await Self.measure(
                checkpoints: list, corpus: URL(fileURLWithPath: corpus), taskFiles: taskFiles,
                out: URL(fileURLWithPath: out), context: context, stride: stride, limit: limit, threads: threads)
        }
    }

    /// Measures and writes the results; shared with `emergence demo`.
    static func measure(
        checkpoints: [EmergenceCheckpoint], corpus: URL, taskFiles: [URL], out: URL, context: Int, stride: Int?,
        limit: Int?, threads: Int
    ) async throws -> EmergenceResults {
        guard let text = try? String(contentsOf: corpus, encoding: .utf8) else {
            throw CommandFailure(message: "Cannot read the corpus '\(corpus.path)'.", recovery: "Check the path.")
        }
        let loaded = try taskFiles.map { try EmergenceTask.load(from: $0) }
        let measurement = EmergenceMeasurement(
            checkpoints: checkpoints, corpus: text, corpusName: corpus.lastPathComponent, tasks: loaded,
            contextLength: context, stride: stride, limit: limit,
            cache: MeasurementCache(directory: out.appendingPathComponent("cache")), threads: threads)
        let view = MeasureProgressView()
        let outcome = try await measurement.run { view.show($0) }
        view.close()
        let files = try outcome.results.writeFiles(to: out)
        for checkpoint in outcome.results.checkpoints {
            Terminal.error(String(format: "%@: loss %.4f nats/token", checkpoint.id, checkpoint.loss))
        }
        Terminal.error("\(outcome.computed) measured, \(outcome.fromCache) from the cache")
        Terminal.output("\(files.json.path)\n\(files.csv.path)\n")
        return outcome.results
    }
}

/// Draws one progress bar per checkpoint on stderr from a measurement's progress reports.
final class MeasureProgressView: @unchecked Sendable {
    private let lock = NSLock()
    private var line: ProgressLine?
    private var current = ""
    private var stages = 0

    func show(_ event: EmergenceProgress) {
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .checkpoint(let id, let index, let total):
            line?.finish(detail: "\(stages) stage(s)")
            current = id
            stages = 0
            line = ProgressLine(label: "[\(index)/\(total)] \(id)")
        case .step(_, let stage, let done, let total):
            line?.update(done: done, of: total)
            _ = stage
        case .cached(_, let stage):
            Terminal.error("  \(current) \(stage): from the cache")
        case .finished:
            stages += 1
        }
    }

    func close() {
        lock.lock()
        defer { lock.unlock() }
        line?.finish(detail: "\(stages) stage(s)")
        line = nil
    }
}
