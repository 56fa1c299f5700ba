import ArgumentParser
import EmergentCore
import EmergentEngine
import Foundation

/// `emergent model …`: inspect model files.
struct ModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Inspect GGUF model files.",
        subcommands: [ModelInfoCommand.self]
    )
}

/// `emergent model info PATH`.
struct ModelInfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show a model's architecture, size, context, tokenizer, chat template and metadata.",
        discussion: "Loads only the vocabulary and header, so it is fast even for large models."
    )

    @Argument(help: "Path to a GGUF file (default: the installed default model).")
    var path: String?

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    @Flag(name: .long, help: "Also list every metadata key, not only general.*.")
    var all = false

    func run() async throws {
        try await CommandErrors.reporting {
            let file = path ?? EmergentPaths().defaultModel.path
            let model = try await Model.load(from: file, options: ModelOptions(vocabularyOnly: true))
            let meta = model.metadata
            if json {
                try printJSON(ModelInfoReport(model: model))
                return
            }
            var lines: [(String, String)] = [
                ("file", file),
                ("size", Self.bytes(model.header.fileSize)),
                ("architecture", meta.architecture),
                ("name", meta.name ?? "-"),
                ("summary", meta.summary),
                ("parameters", Self.count(model.header.tensors.reduce(0) { $0 + $1.dimensions.reduce(1, *) })),
                ("tensors", "\(model.header.tensors.count)"),
                ("training context", "\(meta.trainingContextLength) tokens"),
                ("embedding length", "\(meta.embeddingLength)"),
                ("layers", "\(meta.layerCount)"),
                ("attention heads", "\(meta.headCount) (\(meta.keyValueHeadCount) KV)"),
                ("sliding window", meta.slidingWindow > 0 ? "\(meta.slidingWindow) tokens" : "none"),
                ("vocabulary", "\(meta.vocabularySize) tokens (\(meta.vocabularyType)), adds BOS: \(meta.addsBOS)"),
            ]
            for (role, token) in meta.specialTokens.sorted(by: { $0.key < $1.key }) {
                lines.append(("token \(role)", "\(token.id) \(token.text.debugDescription)"))
            }
            lines.append(("chat template", meta.chatTemplate.map { "\($0.count) characters" } ?? "none (base model)"))
            let width = lines.map(\.0.count).max() ?? 0
            for (key, value) in lines {
                Terminal.output(key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value + "\n")
            }
            let metadata = all ? meta.all : meta.general
            Terminal.output("\n\(all ? "metadata" : "general.* metadata"):\n")
            for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
                Terminal.output("  \(key) = \(Self.shorten(value))\n")
            }
        }
    }

    static func bytes(_ value: Int) -> String {
        String(format: "%.1f MiB (%d bytes)", Double(value) / 1_048_576, value)
    }

    static func count(_ value: Int) -> String {
        value >= 1_000_000_000
            ? String(format: "%.2f B", Double(value) / 1e9) : String(format: "%.1f M", Double(value) / 1e6)
    }

    static func shorten(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: "\\n")
        return flat.count > 160 ? String(flat.prefix(157)) + "…" : flat
    }
}

/// The `--json` output of `model info`.
struct ModelInfoReport: Encodable {
    var path: String
    var fileBytes: Int
    var ggufVersion: Int
    var tensorCount: Int
    var parameterCount: Int
    var metadata: ModelMetadata

    init(model: Model) {
        path = model.path
        fileBytes = model.header.fileSize
        ggufVersion = model.header.version
        tensorCount = model.header.tensors.count
        parameterCount = model.header.tensors.reduce(0) { $0 + $1.dimensions.reduce(1, *) }
        metadata = model.metadata
    }
}
