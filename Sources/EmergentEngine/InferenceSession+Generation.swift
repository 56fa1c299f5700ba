import CLlama
import EmergentCore
import Foundation

extension InferenceSession {
    /// Generates a continuation of `prompt`, streamed as events.
    ///
    /// Cancelling the consumer (or dropping the stream) stops decoding within one token, and aborts a prompt
    /// evaluation in progress. The session stays usable for the next request.
    public nonisolated func generate(
        _ prompt: Prompt, options: GenerationOptions = GenerationOptions()
    ) -> AsyncThrowingStream<GenerationEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: GenerationEvent.self)
        let requestID = abort.newRequest()
        let task = Task {
            await self.runStreaming(prompt, options: options, requestID: requestID, continuation: continuation)
        }
        continuation.onTermination = { [abort] termination in
            if case .cancelled = termination {
                abort.cancel(requestID)
                task.cancel()
            }
        }
        return stream
    }

    private func runStreaming(
        _ prompt: Prompt, options: GenerationOptions, requestID: Int,
        continuation: AsyncThrowingStream<GenerationEvent, any Error>.Continuation
    ) {
        do {
            _ = try runGeneration(prompt, options: options, requestID: requestID) { continuation.yield($0) }
            continuation.finish()
        } catch {
            continuation.finish(throwing: error)
        }
    }

    /// Generates a continuation of `prompt` and returns it whole.
    public func complete(_ prompt: Prompt, options: GenerationOptions = GenerationOptions()) async throws -> Completion
    {
        let requestID = abort.newRequest()
        var text = ""
        var tokens: [Token] = []
        var logprobs: [TokenLogprob] = []
        var stats = PromptStats(promptTokens: 0, reusedTokens: 0, evaluatedTokens: 0, seconds: 0)
        let summary = try await withTaskCancellationHandler {
            try runGeneration(prompt, options: options, requestID: requestID) { event in
                switch event {
                case .prompt(let value): stats = value
                case .token(let token):
                    tokens.append(token.id)
                    if let logprob = token.logprob { logprobs.append(logprob) }
                case .text(let delta): text += delta
                case .finished, .promptLogprobs: break
                }
            }
        } onCancel: { [abort] in
            abort.cancel(requestID)
        }
        return Completion(
            text: text, tokens: tokens, logprobs: logprobs, prompt: stats, finishReason: summary.finishReason,
            usage: summary.usage)
    }

    /// The decode loop. Runs on the session's thread and reports through `emit`.
    func runGeneration(
        _ prompt: Prompt, options: GenerationOptions, requestID: Int, emit: (GenerationEvent) -> Void
    ) throws -> GenerationSummary {
        try options.validate()
        let promptTokens = tokens(for: prompt)
        let sampler = try TokenSampler(model: model, options: options)
        let stats: PromptStats
        if let alternatives = options.promptLogprobs {
            var scored: [TokenLogprob] = []
            stats = try ingestScoring(promptTokens, alternatives: alternatives, requestID: requestID, into: &scored)
            emit(.prompt(stats))
            emit(.promptLogprobs(scored))
        } else {
            stats = try ingest(promptTokens, requestID: requestID)
            emit(.prompt(stats))
        }

        let tokenizer = model.tokenizer
        var detokenizer = StreamingDetokenizer()
        var stopMatcher = StopSequenceMatcher(stops: options.stop)
        var generated = 0
        let started = ContinuousClock.now
        var usage = Usage(
            promptTokens: stats.promptTokens, reusedPromptTokens: stats.reusedTokens, promptSeconds: stats.seconds)

        func finish(_ reason: FinishReason) -> GenerationSummary {
            if case .stopSequence = reason {
            } else {
                let tail = stopMatcher.append(detokenizer.flush())
                let rest = tail.text + stopMatcher.flush()
                if !rest.isEmpty { emit(.text(rest)) }
            }
            usage.completionTokens = generated
            usage.generationSeconds = (ContinuousClock.now - started) / .seconds(1)
            let summary = GenerationSummary(finishReason: reason, usage: usage)
            emit(.finished(summary))
            return summary
        }

        if options.maxTokens == 0 { return finish(.maxTokens) }
        while true {
            if Task.isCancelled { return finish(.cancelled) }
            guard let logits = lastLogits() else { throw EngineError.decodeFailed(code: -1) }
            let token = sampler.sample(context: context.pointer, outputIndex: -1, logits: logits)
            if tokenizer.isEndOfGeneration(token) && !options.ignoreEndOfGeneration {
                return finish(.endOfGeneration)
            }
            generated += 1
            let bytes = tokenizer.pieceBytes(token, renderSpecial: options.renderSpecialTokens)
            let logprob = options.logprobs.map {
                LogitsMath.logprob(of: token, alternatives: $0, logits: logits)
            }
            emit(.token(GeneratedToken(id: token, bytes: bytes, logprob: logprob)))
            let step = stopMatcher.append(detokenizer.append(bytes))
            if !step.text.isEmpty { emit(.text(step.text)) }
            if let stop = step.stop { return finish(.stopSequence(stop)) }
            if generated >= options.maxTokens { return finish(.maxTokens) }
            if cachedTokens.count >= contextLength { return finish(.contextFull) }
            do {
                try evaluate([token], requestID: requestID, outputs: .last) { _, _ in }
            } catch is CancellationError {
                return finish(.cancelled)
            }
        }
    }
}
