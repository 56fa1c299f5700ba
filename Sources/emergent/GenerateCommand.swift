import ArgumentParser
import EmergentCore
import EmergentEngine
import Foundation

/// `emergent generate`: one completion of a raw prompt.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Continue a prompt with the model and stream the text.",
        discussion: """
            The prompt is used as-is (no chat template). Text streams to stdout; speed and token counts go to \
            stderr. With --json, one JSON object with the text, tokens, usage and timings is printed instead.

            Examples:
              emergent generate --prompt "The capital of France is" --max-tokens 16
              emergent generate --prompt "List three colors as JSON:" --grammar json.gbnf --json
            """
    )

    @OptionGroup var engine: EngineOptionGroup
    @OptionGroup var sampling: SamplingOptionGroup

    @Option(name: .long, help: "The prompt text; '-' reads it from stdin.")
    var prompt: String

    @Option(name: .long, help: "The most tokens to generate.")
    var maxTokens: Int = 128

    @Option(name: .long, help: "Stop before this text (repeatable); the stop text is not printed.")
    var stop: [String] = []

    @Option(name: .long, help: "Constrain output with a GBNF grammar file (see llama.cpp's grammars/).")
    var grammar: String?

    @Option(name: .long, help: "Report each token's log-probability and this many alternatives (0-20).")
    var logprobs: Int?

    @Flag(name: .long, help: "Print one JSON object instead of streaming text.")
    var json = false

    func run() async throws {
        try await CommandErrors.reporting {
            if maxTokens < 1 {
                throw EngineError.invalidOption(name: "max tokens", value: "\(maxTokens)", expected: "at least 1")
            }
            let promptText =
                prompt == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : prompt
            var grammarValue: Grammar?
            if let grammar {
                guard let source = try? String(contentsOfFile: grammar, encoding: .utf8) else {
                    throw ValidationError("Cannot read the grammar file '\(grammar)'. Check the path.")
                }
                grammarValue = Grammar(source)
            }
            let options = GenerationOptions(
                maxTokens: maxTokens, stop: stop, sampling: sampling.parameters, grammar: grammarValue,
                logprobs: logprobs)
            try options.validate()  // fail before spending seconds on loading
            let model = try await engine.loadModel(showProgress: !json)
            let session = try await InferenceSession(model: model, options: engine.sessionOptions)
            if json {
                let completion = try await session.complete(.text(promptText), options: options)
                try printJSON(GenerateReport(completion: completion, tokenizer: model.tokenizer))
                return
            }
            var summary: GenerationSummary?
            for try await event in session.generate(.text(promptText), options: options) {
                switch event {
                case .text(let text): Terminal.output(text)
                case .token(let token):
                    if let logprob = token.logprob {
                        let alternatives = logprob.top.map {
                            "\(model.tokenizer.piece($0.token).debugDescription) \(String(format: "%.3f", $0.logprob))"
                        }
                        Terminal.error(
                            "  [\(token.id)] \(String(format: "%.4f", logprob.logprob))  top: \(alternatives.joined(separator: ", "))"
                        )
                    }
                case .finished(let value): summary = value
                case .prompt, .promptLogprobs: break
                }
            }
            Terminal.output("\n")
            if let summary { Terminal.error(UsageLine(summary: summary).text) }
        }
    }
}

/// The `--json` output of `generate`.
struct GenerateReport: Encodable {
    struct Logprob: Encodable {
        var token: Int32
        var text: String
        var logprob: Double
        var top: [Alternative]
    }
    struct Alternative: Encodable {
        var token: Int32
        var text: String
        var logprob: Double
    }

    var text: String
    var tokens: [Int32]
    var finishReason: String
    var stopSequence: String?
    var usage: Usage
    var promptTokensPerSecond: Double
    var generationTokensPerSecond: Double
    var logprobs: [Logprob]?

    init(completion: Completion, tokenizer: Tokenizer) {
        text = completion.text
        tokens = completion.tokens
        finishReason = completion.finishReason.openAIName
        if case .stopSequence(let stop) = completion.finishReason { stopSequence = stop }
        usage = completion.usage
        promptTokensPerSecond = completion.usage.promptTokensPerSecond
        generationTokensPerSecond = completion.usage.generationTokensPerSecond
        logprobs =
            completion.logprobs.isEmpty
            ? nil
            : completion.logprobs.map { entry in
                Logprob(
                    token: entry.token, text: tokenizer.piece(entry.token), logprob: entry.logprob,
                    top: entry.top.map {
                        Alternative(token: $0.token, text: tokenizer.piece($0.token), logprob: $0.logprob)
                    })
            }
    }
}

/// A one-line summary of a generation's speed.
struct UsageLine {
    let summary: GenerationSummary

    var text: String {
        let usage = summary.usage
        return String(
            format: "[%@] prompt %d tokens (%d reused, %.1f tok/s) · generated %d tokens at %.1f tok/s",
            summary.finishReason.openAIName, usage.promptTokens, usage.reusedPromptTokens,
            usage.promptTokensPerSecond, usage.completionTokens, usage.generationTokensPerSecond)
    }
}

/// Prints an `Encodable` value as pretty JSON on stdout.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    Terminal.output(String(decoding: try encoder.encode(value), as: UTF8.self) + "\n")
}

/// Turns Emergent's errors into a clean message and a non-zero exit, instead of a stack of Swift error text.
enum CommandErrors {
    static func reporting(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as any EmergentError {
            Terminal.error("error: \(error.message)")
            if let recovery = error.recovery { Terminal.error("hint: \(recovery)") }
            throw ExitCode(1)
        }
    }
}
