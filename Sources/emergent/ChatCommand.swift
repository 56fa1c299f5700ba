import ArgumentParser
import EmergentCore
import EmergentEngine
import Foundation

/// `emergent chat`: an interactive conversation in the terminal.
struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Chat with a model in the terminal.",
        discussion: """
            Type a message and press Enter; the reply streams as it is generated, followed by its speed. \
            Each turn reuses the cached conversation, so only the new message is evaluated.

            Commands: /reset starts over, /exit (or Ctrl-D) quits.

            The conversation is written as a plain "User:/Assistant:" transcript, which base models such as \
            the default Gemma 3 270M continue naturally.
            """
    )

    @OptionGroup var engine: EngineOptionGroup
    @OptionGroup var sampling: SamplingOptionGroup

    @Option(name: .long, help: "Instructions placed before the conversation.")
    var system: String = "A conversation between a curious user and a helpful, concise assistant."

    @Option(name: .long, help: "The most tokens per reply.")
    var maxTokens: Int = 256

    func run() async throws {
        try await CommandErrors.reporting {
            let model = try await engine.loadModel()
            let session = try await InferenceSession(model: model, options: engine.sessionOptions)
            var transcript = PlainTranscript(system: system)
            Terminal.error("Model: \(model.metadata.summary) · context \(session.contextLength) tokens. /exit to quit.")
            let options = GenerationOptions(
                maxTokens: maxTokens, stop: PlainTranscript.stops, sampling: sampling.parameters)
            Terminal.output("\n> ")
            for await line in StandardInputLines() {
                let message = line.trimmingCharacters(in: .whitespaces)
                switch message {
                case "": Terminal.output("> "); continue
                case "/exit", "/quit": return
                case "/reset":
                    transcript = PlainTranscript(system: system)
                    await session.reset()
                    Terminal.output("(conversation cleared)\n> ")
                    continue
                default: break
                }
                transcript.appendUser(message)
                var reply = ""
                var summary: GenerationSummary?
                do {
                    for try await event in session.generate(.text(transcript.prompt), options: options) {
                        switch event {
                        case .text(let text):
                            reply += text
                            Terminal.output(text)
                        case .finished(let value): summary = value
                        case .prompt, .token: break
                        }
                    }
                } catch EngineError.promptTooLong {
                    Terminal.error("\nThe conversation no longer fits in the context; starting over (/reset).")
                    transcript = PlainTranscript(system: system)
                    await session.reset()
                    Terminal.output("> ")
                    continue
                }
                transcript.appendAssistant(reply)
                Terminal.output("\n")
                if let summary { Terminal.error(UsageLine(summary: summary).text) }
                Terminal.output("\n> ")
            }
            Terminal.output("\n")
        }
    }
}

/// A "User:/Assistant:" transcript for models without a chat template.
struct PlainTranscript {
    private(set) var prompt: String

    static let stops = ["\nUser:", "\nuser:", "\nUSER:"]

    init(system: String) {
        prompt = system.isEmpty ? "" : system + "\n\n"
    }

    mutating func appendUser(_ text: String) {
        prompt += "User: \(text)\nAssistant:"
    }

    mutating func appendAssistant(_ text: String) {
        prompt += text.hasPrefix(" ") ? text : " " + text
        prompt += "\n"
    }
}

/// Lines from standard input, read on a dedicated thread so the wait never blocks Swift's cooperative pool.
struct StandardInputLines: AsyncSequence {
    typealias Element = String

    func makeAsyncIterator() -> AsyncStream<String>.Iterator {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        let reader = Thread {
            while let line = readLine(strippingNewline: true) { continuation.yield(line) }
            continuation.finish()
        }
        reader.name = "emergent.stdin"
        reader.start()
        return stream.makeAsyncIterator()
    }
}
