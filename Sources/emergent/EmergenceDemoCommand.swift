import ArgumentParser
import EmergentCore
import EmergentEngine
import EmergentEval
import Foundation

/// `emergent emergence demo`: a quantization ladder of the default model, measured on the shipped data.
struct EmergenceDemo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Requantize the default model into a precision ladder and measure loss and tasks on each rung.",
        discussion: """
            The rungs (made once with llama-quantize --allow-requantize) are kept in \
            $EMERGENT_HOME/emergence/ladder. They share one parameter count: quantization loss stands in for \
            pre-training loss here, which it is not (see docs/emergence.md). Uses data/emergence/ from the checkout.
            """
    )

    @Option(name: .long, help: "Folder for results.json and results.csv.")
    var out: String = "emergence-demo"

    @Option(name: .long, help: "Score at most this many items per task.")
    var limit: Int?

    @Option(name: .long, help: "Context window in tokens.")
    var context: Int = 256

    @Option(name: .long, help: "CPU threads.")
    var threads: Int = SessionOptions.defaultThreads

    func run() async throws {
        try await CommandErrors.reporting {
            let root = try PeerTools.locateRoot()
            let data = root.appendingPathComponent("data/emergence")
            let source = EmergentPaths().defaultModel
            let model = try await Model.load(from: source.path)
            let ladder = QuantizationLadder(
                source: source, sourceID: "q4_k_m",
                directory: EmergentPaths().home.appendingPathComponent("emergence/ladder"),
                quantizer: root.appendingPathComponent(".deps/peers/bin/llama-quantize"),
                parameters: Double(model.metadata.parameterCount))
            let rungs = try await ladder.build { Terminal.error("Quantizing the default model to \($0) …") }
            let tasks = ["knowledge"] + (1...4).map { "arithmetic_\($0)digit" }
            let outDirectory = URL(fileURLWithPath: out, isDirectory: true)
            let results = try await EmergenceMeasure.measure(
                checkpoints: rungs, corpus: data.appendingPathComponent("corpus.txt"),
                taskFiles: tasks.map { data.appendingPathComponent("\($0).yaml") }, out: outDirectory,
                context: context, stride: nil, limit: limit, threads: threads)
            // Then the analysis, into the same folder.
            _ = try EmergenceCommand.Fit.fitAndWrite(results, to: outDirectory, bootstrap: 1000, seed: 1)
            Terminal.error("Report: \(outDirectory.appendingPathComponent("report.html").path)")
        }
    }
}
