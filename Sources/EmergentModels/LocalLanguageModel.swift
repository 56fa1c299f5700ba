import EmergentCore
import EmergentEngine
import Foundation

/// The embedded engine as a `LanguageModel`: a chat format on top of an inference session.
///
/// Calls share the session, so consecutive turns of one conversation reuse the cached prompt prefix.
public final class LocalLanguageModel: LanguageModel {
    public let session: InferenceSession
    public let format: ChatFormat

    public init(session: InferenceSession, format: ChatFormat) {
        self.session = session
        self.format = format
    }

    /// A model with its own chat format.
    public convenience init(session: InferenceSession) throws {
        self.init(session: session, format: try ChatFormat.of(session.model))
    }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ModelEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: ModelEvent.self)
        let task = Task { [session, format] in
            do {
                let prepared = try format.prepare(request)
                let tokenizer = session.model.tokenizer
                // Templates usually write BOS themselves; add it only when the prompt does not start with it.
                let bos = session.model.metadata.specialTokens["bos"]?.text ?? ""
                let addSpecial = bos.isEmpty || !prepared.prompt.hasPrefix(bos)
                let tokens = tokenizer.tokenize(prepared.prompt, addSpecial: addSpecial, parseSpecial: true)
                let options = GenerationOptions(
                    maxTokens: request.maxTokens, stop: prepared.stop, sampling: request.sampling,
                    grammar: prepared.grammar,
                    logprobs: request.logprobs)
                var parser =
                    prepared.parsesToolCalls
                    ? format.toolCalls.makeParser(
                        toolNames: prepared.toolNames, tools: request.toolChoice == .none ? [] : request.tools,
                        startsInReasoning: prepared.startsInReasoning)
                    : ToolCallFormat.contentOnly.makeParser(startsInReasoning: false)
                var sawCall = false
                for try await event in session.generate(.tokens(tokens), options: options) {
                    switch event {
                    case .text(let text):
                        for output in parser.feed(text) {
                            if case .toolCallStart = output { sawCall = true }
                            continuation.yield(ModelEvent(output))
                        }
                    case .finished(let summary):
                        for output in parser.finish() {
                            if case .toolCallStart = output { sawCall = true }
                            continuation.yield(ModelEvent(output))
                        }
                        let reason: FinishReason =
                            sawCall && summary.finishReason == .endOfGeneration ? .toolCalls : summary.finishReason
                        continuation.yield(.finished(reason, summary.usage))
                    case .prompt, .token: break
                    }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}

extension ToolCallFormat {
    /// Reads everything as content.
    static let contentOnly = ToolCallFormat(family: .generic, reasoning: nil, blocks: [])
}
