import ArgumentParser
import EmergentCore
import EmergentEngine
import Foundation
import Logging

/// Options shared by every command that loads a model.
struct EngineOptionGroup: ParsableArguments {
    @Option(name: .long, help: "Path to a GGUF model (default: the installed default model).")
    var model: String?

    @Option(name: .long, help: "Context window in tokens (0 = the model's training length).")
    var context: Int = 4096

    @Option(name: .long, help: "CPU threads for generation and prompt processing.")
    var threads: Int = SessionOptions.defaultThreads

    @Option(name: .long, help: "Most tokens per decode call (default 2048; 512 per step for serve).")
    var batchSize: Int?

    @Option(name: .long, help: "KV cache type: f16, q8_0 or q4_0.")
    var kvCache: KVCacheType = .f16

    @Option(name: .long, help: "Flash attention: auto, on or off.")
    var flashAttention: FlashAttention = .auto

    @Flag(name: .long, help: "Read the model into memory instead of memory-mapping it.")
    var noMmap = false

    @Flag(name: .long, help: "Lock the model's weights in RAM.")
    var mlock = false

    @Flag(name: .long, help: "Show llama.cpp's own log on stderr.")
    var verbose = false

    var modelPath: String { model ?? EmergentPaths().defaultModel.path }

    var sessionOptions: SessionOptions {
        SessionOptions(
            contextLength: context, batchSize: batchSize ?? 2048, threads: threads, kvCacheType: kvCache,
            flashAttention: flashAttention)
    }

    var modelOptions: ModelOptions { ModelOptions(useMemoryMap: !noMmap, lockInMemory: mlock) }

    /// Loads the model, drawing a progress bar on stderr when it is a terminal.
    func loadModel(showProgress: Bool = true) async throws -> Model {
        if verbose {
            var logger = Logger(label: "llama.cpp") { StreamLogHandler.standardError(label: $0) }
            logger.logLevel = .debug
            EngineLogging.bootstrap(logger)
        }
        let path = modelPath
        let progress =
            showProgress ? ProgressLine(label: "Loading \(URL(fileURLWithPath: path).lastPathComponent)") : nil
        let model = try await Model.load(from: path, options: modelOptions) { value in
            progress?.update(value)
        }
        progress?.finish(detail: String(format: "%.2f s", model.loadSeconds))
        return model
    }
}

extension KVCacheType: ExpressibleByArgument {}
extension FlashAttention: ExpressibleByArgument {}

/// A one-line progress bar on stderr, redrawn in place on a terminal and printed once otherwise.
final class ProgressLine: @unchecked Sendable {
    private let label: String
    private let lock = NSLock()
    private var lastPercent = -1
    private let interactive = isatty(STDERR_FILENO) != 0

    init(label: String) {
        self.label = label
        if !interactive { Terminal.error("\(label)…") }
    }

    func update(_ fraction: Double) {
        guard interactive else { return }
        let percent = Int((fraction * 100).rounded(.down))
        lock.lock()
        defer { lock.unlock() }
        guard percent != lastPercent else { return }
        lastPercent = percent
        let width = 30
        let filled = min(width, percent * width / 100)
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        Terminal.errorInline("\r\(label) \(bar) \(percent)%")
    }

    func update(done: Int, of total: Int) {
        update(Double(done) / Double(max(total, 1)))
    }

    func finish(detail: String) {
        if interactive { Terminal.errorInline("\r\u{1B}[2K") }
        Terminal.error("\(label): done (\(detail))")
    }
}

/// Writing to the terminal's streams.
enum Terminal {
    static func error(_ text: String) {
        errorInline(text + "\n")
    }

    static func errorInline(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func output(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
