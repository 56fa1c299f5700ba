import EmergentEngine
import Foundation

/// Measures a model's loss on an evaluation corpus: the mean token cross-entropy in nats per token.
///
/// By default the corpus is cut as llama.cpp's `llama-perplexity` cuts it (independent chunks of the context
/// length, the second half of each scored), so `exp(loss)` is the PPL that tool reports on the same text and
/// context. With a `stride`, overlapping sliding windows score every token once instead. A corpus shorter than
/// two contexts always uses sliding windows with a stride of half the context.
public struct CorpusLoss: Sendable, Hashable {
    /// The window in tokens (at most the session's context length).
    public var window: Int
    /// Sliding-window stride, or nil for llama-perplexity's chunks.
    public var stride: Int?

    public init(window: Int, stride: Int? = nil) {
        self.window = window
        self.stride = stride
    }

    /// The windowing used for a corpus of `tokenCount` tokens.
    public func windowing(tokenCount: Int) -> LossWindowing {
        if stride == nil, tokenCount >= 2 * window { return .perplexityChunks(window: window) }
        let width = min(window, tokenCount)
        return .sliding(window: width, stride: min(stride ?? max(1, width / 2), width))
    }

    /// Tokenizes `text` (with BOS, as llama-perplexity does) and measures its loss.
    public func measure(
        _ text: String, session: InferenceSession, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> LossResult {
        let tokens = session.model.tokenizer.tokenize(text, addSpecial: true, parseSpecial: false)
        guard tokens.count >= 2 else {
            throw EmergenceError("the corpus has \(tokens.count) token(s); give it at least a sentence of text")
        }
        return try await session.loss(of: tokens, windowing: windowing(tokenCount: tokens.count), progress: progress)
    }
}
