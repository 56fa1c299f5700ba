import ArgumentParser
import EmergentCore
import EmergentEngine
import EmergentModels
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

            The conversation is rendered with the model's own chat template (or --template FILE). Models without \
            one, such as the default base model Gemma 3 270M, get a plain "User:/Assistant:" transcript, which base \
            models continue naturally.
            """
    )

    @OptionGroup var engine: EngineOptionGroup
    @OptionGroup var sampling: SamplingOptionGroup

    @Option(name: .long, help: "Instructions placed before the conversation.")
    var system: String = "A conversation between a curious user and a helpful, concise assistant."

    @Option(name: .long, help: "The most tokens per reply.")
    var maxTokens: Int = 256

    @Option(name: .long, help: "A Jinja chat template file to use instead of the model's own.")
    var template: String?

    func run() async throws {
        try await CommandErrors.reporting {
            let model = try await engine.loadModel()
            let session = try await InferenceSession(model: model, options: engine.sessionOptions)
            let chatFormat = try chatFormat(for: model, template: template)
            let formatName = chatFormat.prompt is ChatTemplate ? "chat template" : "plain transcript (no chat template)"
            Terminal.error(
                "Model: \(model.metadata.summary) · context \(session.contextLength) tokens · \(formatName). /exit to quit."
            )
            let chat = LocalLanguageModel(session: session, format: chatFormat)
            let start: [ChatMessage] = system.isEmpty ? [] : [.system(system)]
            var conversation = start
            Terminal.output("\n> ")
            for await line in StandardInputLines() {
                let message = line.trimmingCharacters(in: .whitespaces)
                switch message {
                case "": Terminal.output("> "); continue
                case "/exit", "/quit": return
                case "/reset":
                    conversation = start
                    await session.reset()
                    Terminal.output("(conversation cleared)\n> ")
                    continue
                default: break
                }
                conversation.append(.user(message))
                var reply = ""
                var summary: GenerationSummary?
                let request = ChatRequest(messages: conversation, sampling: sampling.parameters, maxTokens: maxTokens)
                do {
                    for try await event in chat.stream(request) {
                        switch event {
                        case .content(let text):
                            reply += text
                            Terminal.output(text)
                        case .reasoning(let text):
                            Terminal.output("\u{1B}[2m" + text + "\u{1B}[0m")  // dim, so the answer stands out
                        case .malformed(let text, _):
                            reply += text
                            Terminal.output(text)
                        case .finished(let reason, let usage):
                            summary = GenerationSummary(finishReason: reason, usage: usage)
                        case .toolCallStart, .toolCallArguments, .logprobs: break
                        }
                    }
                } catch EngineError.promptTooLong {
                    Terminal.error("\nThe conversation no longer fits in the context; starting over (/reset).")
                    conversation = start
                    await session.reset()
                    Terminal.output("> ")
                    continue
                }
                conversation.append(.assistant(reply.trimmingCharacters(in: .whitespaces)))
                Terminal.output("\n")
                if let summary { Terminal.error(UsageLine(summary: summary).text) }
                Terminal.output("\n> ")
            }
            Terminal.output("\n")
        }
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
