import EmergentCore
import EmergentEngine
import Foundation

/// The embedded engine as a `LanguageModel`: a chat format on top of a token generator (one `InferenceSession`,
/// or a `BatchEngine` shared by concurrent requests).
///
/// Both reuse cached prompt prefixes, so consecutive turns of one conversation evaluate only what is new.
public final class LocalLanguageModel: LanguageModel {
    public let generator: any TokenGenerator
    public let format: ChatFormat
    private let continuations = PromptContinuations()

    public init(generator: any TokenGenerator, format: ChatFormat) {
        self.generator = generator
        self.format = format
    }

    public convenience init(session: InferenceSession, format: ChatFormat) {
        self.init(generator: session, format: format)
    }

    /// A model with its own chat format.
    public convenience init(session: InferenceSession) throws {
        self.init(session: session, format: try ChatFormat.of(session.model))
    }

    /// The prompt tokens and generation options for `request`, and how to read the output.
    public func prepare(_ request: ChatRequest) throws -> PreparedGeneration {
        let prepared = try format.prepare(request)
        let model = generator.model
        // Templates usually write BOS themselves; add it only when the prompt does not start with it.
        let bos = model.metadata.specialTokens["bos"]?.text ?? ""
        let addSpecial = bos.isEmpty || !prepared.prompt.hasPrefix(bos)
        // A prompt that continues an earlier prompt and reply keeps their exact tokens (see PromptContinuations);
        // a leading BOS must then come from the recorded tokens as well.
        let tokens = continuations.tokens(for: prepared.prompt, tokenizer: model.tokenizer)
            .flatMap { continued in !addSpecial || continued.first == model.tokenizer.bos ? continued : nil }
            ?? model.tokenizer.tokenize(prepared.prompt, addSpecial: addSpecial, parseSpecial: true)
        let options = GenerationOptions(
            maxTokens: request.maxTokens, stop: prepared.stop, sampling: request.sampling, grammar: prepared.grammar,
            logprobs: request.logprobs)
        return PreparedGeneration(tokens: tokens, options: options, chat: prepared)
    }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ModelEvent, any Error> {
        .producing { [self] continuation in
            let generation = try prepare(request)
            let prepared = generation.chat
            let tokenizer = generator.model.tokenizer
            var parser =
                prepared.parsesToolCalls
                ? format.toolCalls.makeParser(
                    toolNames: prepared.toolNames, tools: request.toolChoice == .none ? [] : request.tools,
                    startsInReasoning: prepared.startsInReasoning)
                : ToolCallFormat.contentOnly.makeParser(startsInReasoning: false)
            var sawCall = false
            var generated: [GeneratedToken] = []
            let events = try await generator.generate(.tokens(generation.tokens), options: generation.options)
            for try await event in events {
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
                    continuations.record(
                        prompt: prepared.prompt, tokens: generation.tokens, generated: generated, tokenizer: tokenizer)
                    let reason: FinishReason =
                        sawCall && summary.finishReason == .endOfGeneration ? .toolCalls : summary.finishReason
                    continuation.yield(.finished(reason, summary.usage))
                case .token(let token):
                    generated.append(token)
                    if let logprob = token.logprob {
                        continuation.yield(.logprobs([OutputLogprob(logprob, bytes: token.bytes, tokenizer: tokenizer)]))
                    }
                case .prompt, .promptLogprobs: break
                }
            }
        }
    }
}

/// A chat request turned into what the engine runs: prompt tokens, generation options, and the prepared chat
/// (grammar, stop strings, tool names) that says how to read the output.
public struct PreparedGeneration: Sendable {
    public var tokens: [Token]
    public var options: GenerationOptions
    public var chat: ChatFormat.Prepared
}

extension OutputLogprob {
    /// The OpenAI view of an engine log-probability: token text and bytes instead of ids.
    public init(_ logprob: TokenLogprob, bytes: [UInt8], tokenizer: Tokenizer) {
        self.init(
            token: String(decoding: bytes, as: UTF8.self), bytes: bytes, logprob: logprob.logprob,
            top: logprob.top.map {
                let piece = tokenizer.pieceBytes($0.token, renderSpecial: true)
                return Alternative(token: String(decoding: piece, as: UTF8.self), bytes: piece, logprob: $0.logprob)
            })
    }
}

extension ToolCallFormat {
    /// Reads everything as content.
    static let contentOnly = ToolCallFormat(family: .generic, reasoning: nil, blocks: [])
}
