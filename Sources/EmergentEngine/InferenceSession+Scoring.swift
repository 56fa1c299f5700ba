import CLlama
import EmergentCore
import Foundation

/// The log-likelihood of a continuation given a context (what lm-eval's `loglikelihood` requests need).
public struct LogLikelihood: Sendable, Hashable, Codable {
    /// Log-probability of each continuation token.
    public var tokenLogprobs: [Double]
    /// True when every continuation token is the model's most likely choice.
    public var isGreedy: Bool
    /// Sum of `tokenLogprobs`.
    public var total: Double { tokenLogprobs.reduce(0, +) }
}

/// How a token sequence longer than the context is cut into windows for loss measurement.
public enum LossWindowing: Sendable, Hashable {
    /// Windows of `window` tokens that start every `stride` tokens; each token is scored once, by the first
    /// window that gives it the most context (the Hugging Face "strided perplexity" method). The first token
    /// has no context and is not scored.
    case sliding(window: Int, stride: Int)
    /// llama.cpp `llama-perplexity`'s method: independent chunks of `window` tokens, each starting with BOS (when
    /// the model uses one); only the second half of each chunk is scored. Use it to compare with that tool.
    case perplexityChunks(window: Int)
}

/// The mean negative log-likelihood of a token sequence.
public struct LossResult: Sendable, Hashable, Codable {
    /// Mean cross-entropy in nats per scored token.
    public var meanNegativeLogLikelihood: Double
    public var scoredTokens: Int
    public var windows: Int
    /// `exp(meanNegativeLogLikelihood)`.
    public var perplexity: Double { exp(meanNegativeLogLikelihood) }
}

extension InferenceSession {
    /// Scores `continuation` after `context`: the log-probability of each continuation token, and whether greedy
    /// decoding would have produced the whole continuation. The cache keeps the result, so scoring several
    /// continuations of one context evaluates the context once.
    public func logLikelihood(context: [Token], continuation: [Token]) throws -> LogLikelihood {
        guard !context.isEmpty else { throw EngineError.emptyPrompt }
        guard !continuation.isEmpty else {
            return LogLikelihood(tokenLogprobs: [], isGreedy: true)
        }
        let all = context + continuation
        try model.tokenizer.validate(all)
        if all.count > contextLength {
            throw EngineError.promptTooLong(promptTokens: all.count, contextTokens: contextLength)
        }
        let requestID = abort.newRequest()
        let firstOutput = context.count - 1
        // Keep the shared prefix, but re-evaluate from the last context token: its logits score the first
        // continuation token.
        let keep = min(reusablePrefix(of: all), firstOutput)
        truncateCache(to: keep)
        var logprobs: [Double] = []
        var greedy = true
        try evaluate(all[keep...], requestID: requestID, outputs: .from(firstOutput)) { position, logits in
            guard position < all.count - 1 else { return }
            let target = all[position + 1]
            logprobs.append(Double(logits[Int(target)]) - LogitsMath.logSumExp(logits))
            if LogitsMath.argmax(logits) != Int(target) { greedy = false }
        }
        return LogLikelihood(tokenLogprobs: logprobs, isGreedy: greedy)
    }

    /// The mean negative log-likelihood (loss) of `tokens`, in windows that fit the context.
    /// - Parameter progress: called after each window with (windows done, windows in all).
    public func loss(
        of tokens: [Token], windowing: LossWindowing, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> LossResult {
        try model.tokenizer.validate(tokens)
        let requestID = abort.newRequest()
        var total = 0.0
        var scored = 0
        switch windowing {
        case .sliding(let window, let stride):
            try checkWindow(window)
            guard (1...window).contains(stride) else {
                throw EngineError.invalidOption(
                    name: "stride", value: "\(stride)", expected: "1 to the window (\(window))")
            }
            guard tokens.count >= 2 else {
                throw EngineError.invalidOption(
                    name: "token count", value: "\(tokens.count)", expected: "at least 2 tokens to score")
            }
            var starts = Array(Swift.stride(from: 0, to: tokens.count, by: stride))
            if let last = starts.firstIndex(where: { $0 + window >= tokens.count }) { starts = Array(starts[...last]) }
            var scoredUpTo = 1  // token 0 has no context
            for (index, begin) in starts.enumerated() {
                let end = min(begin + window, tokens.count)
                let firstTarget = max(scoredUpTo, begin + 1)
                reset()
                try evaluate(tokens[begin..<end], requestID: requestID, outputs: .from(firstTarget - 1 - begin)) {
                    position, logits in
                    let target = begin + position + 1
                    guard target < end else { return }
                    total -= Double(logits[Int(tokens[target])]) - LogitsMath.logSumExp(logits)
                    scored += 1
                }
                scoredUpTo = end
                progress?(index + 1, starts.count)
            }
            return LossResult(
                meanNegativeLogLikelihood: total / Double(max(scored, 1)), scoredTokens: scored, windows: starts.count)

        case .perplexityChunks(let window):
            try checkWindow(window)
            guard tokens.count >= 2 * window else {
                throw EngineError.invalidOption(
                    name: "token count", value: "\(tokens.count)",
                    expected: "at least \(2 * window) tokens (two windows) for perplexity chunks")
            }
            let chunks = tokens.count / window
            let first = window / 2
            let bos = model.tokenizer.addsBOS ? model.tokenizer.bos : nil
            for chunk in 0..<chunks {
                var slice = Array(tokens[(chunk * window)..<((chunk + 1) * window)])
                if let bos { slice[0] = bos }
                reset()
                try evaluate(slice[...], requestID: requestID, outputs: .from(first)) { position, logits in
                    guard position + 1 < window else { return }
                    total -= Double(logits[Int(slice[position + 1])]) - LogitsMath.logSumExp(logits)
                    scored += 1
                }
                progress?(chunk + 1, chunks)
            }
            return LossResult(
                meanNegativeLogLikelihood: total / Double(max(scored, 1)), scoredTokens: scored, windows: chunks)
        }
    }

    private func checkWindow(_ window: Int) throws {
        guard (2...contextLength).contains(window) else {
            throw EngineError.invalidOption(
                name: "window", value: "\(window)", expected: "2 to the context length (\(contextLength))")
        }
    }
}
