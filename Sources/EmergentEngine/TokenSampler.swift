import CLlama
import EmergentCore
import Foundation

/// Chooses the next token: a plain arg-max for greedy decoding, otherwise a llama.cpp sampler chain (penalties,
/// top-k, top-p, min-p, temperature, seeded random choice), and, when a grammar is set, llama.cpp's grammar
/// sampler.
///
/// Applying a grammar to all of a large vocabulary costs tens of milliseconds per token, so the grammar only
/// checks the token the chain proposes; the whole vocabulary is masked (and the token chosen again) only when that
/// proposal breaks the grammar, as llama.cpp's own server does.
final class TokenSampler {
    /// Sampling without the grammar; `nil` means plain arg-max.
    private let chain: UnsafeMutablePointer<llama_sampler>?
    private let grammar: UnsafeMutablePointer<llama_sampler>?
    private let vocabularySize: Int
    private var candidates: [llama_token_data] = []

    init(model: Model, options: GenerationOptions) throws(EngineError) {
        let sampling = options.sampling
        vocabularySize = model.metadata.vocabularySize
        if let grammar = options.grammar {
            let logStart = LlamaRuntime.logPosition
            guard let sampler = Self.grammarSampler(grammar, vocab: model.vocab) else {
                let log = LlamaRuntime.problems(since: logStart)
                throw .invalidGrammar(detail: log.isEmpty ? "llama.cpp rejected it" : log.joined(separator: "; "))
            }
            self.grammar = sampler
        } else {
            self.grammar = nil
        }
        if sampling.isPlainGreedy {
            chain = nil
            return
        }
        guard let chain = llama_sampler_chain_init(llama_sampler_chain_default_params()) else {
            if let grammar { llama_sampler_free(grammar) }
            throw .contextCreationFailed(detail: "could not allocate a sampler chain")
        }
        self.chain = chain
        if sampling.repeatPenalty != 1 || sampling.presencePenalty != 0 || sampling.frequencyPenalty != 0 {
            llama_sampler_chain_add(
                chain,
                llama_sampler_init_penalties(
                    Int32(model.metadata.vocabularySize), Int32(sampling.penaltyWindow), Float(sampling.repeatPenalty),
                    Float(sampling.frequencyPenalty), Float(sampling.presencePenalty)))
        }
        if sampling.temperature <= 0 {
            llama_sampler_chain_add(chain, llama_sampler_init_greedy())
            return
        }
        if sampling.topK > 0 { llama_sampler_chain_add(chain, llama_sampler_init_top_k(Int32(sampling.topK))) }
        if sampling.topP < 1 { llama_sampler_chain_add(chain, llama_sampler_init_top_p(Float(sampling.topP), 1)) }
        if sampling.minP > 0 { llama_sampler_chain_add(chain, llama_sampler_init_min_p(Float(sampling.minP), 1)) }
        llama_sampler_chain_add(chain, llama_sampler_init_temp(Float(sampling.temperature)))
        llama_sampler_chain_add(chain, llama_sampler_init_dist(sampling.seed ?? UInt32(LLAMA_DEFAULT_SEED)))
    }

    deinit {
        if let chain { llama_sampler_free(chain) }
        if let grammar { llama_sampler_free(grammar) }
    }

    private static func grammarSampler(_ grammar: Grammar, vocab: OpaquePointer) -> UnsafeMutablePointer<llama_sampler>?
    {
        guard !grammar.triggerPatterns.isEmpty else {
            return llama_sampler_init_grammar(vocab, grammar.source, grammar.root)
        }
        // C strings for the patterns, alive for the duration of the call.
        let copies = grammar.triggerPatterns.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        var pointers = copies.map { UnsafePointer<CChar>($0) }
        return pointers.withUnsafeMutableBufferPointer { buffer in
            llama_sampler_init_grammar_lazy_patterns(
                vocab, grammar.source, grammar.root, buffer.baseAddress, buffer.count, nil, 0)
        }
    }

    /// Samples from the logits at `outputIndex` of the last decode, and records the choice.
    func sample(context: OpaquePointer, outputIndex: Int32, logits: UnsafeBufferPointer<Float>) -> Token {
        guard let grammar else {
            guard let chain else { return Token(LogitsMath.argmax(logits)) }
            return llama_sampler_sample(chain, context, outputIndex)
        }
        var token = choose(from: logits, maskedBy: nil)
        if !allows(grammar, token, logit: logits[Int(token)]) {
            token = choose(from: logits, maskedBy: grammar)
        }
        if let chain { llama_sampler_accept(chain, token) }
        llama_sampler_accept(grammar, token)
        return token
    }

    /// The chain's (or arg-max's) choice over the whole vocabulary, after `mask` when given.
    private func choose(from logits: UnsafeBufferPointer<Float>, maskedBy mask: UnsafeMutablePointer<llama_sampler>?)
        -> Token
    {
        if mask == nil && chain == nil { return Token(LogitsMath.argmax(logits)) }
        if candidates.count != vocabularySize {
            candidates = [llama_token_data](repeating: llama_token_data(id: 0, logit: 0, p: 0), count: vocabularySize)
        }
        return candidates.withUnsafeMutableBufferPointer { buffer -> Token in
            guard let data = buffer.baseAddress else { return 0 }
            for index in 0..<vocabularySize {
                data[index] = llama_token_data(id: Token(index), logit: logits[index], p: 0)
            }
            var array = llama_token_data_array(data: data, size: vocabularySize, selected: -1, sorted: false)
            if let mask { llama_sampler_apply(mask, &array) }
            if let chain {
                llama_sampler_apply(chain, &array)
                guard array.selected >= 0, array.selected < array.size, let chosen = array.data else { return 0 }
                return chosen[Int(array.selected)].id
            }
            // Greedy under a mask: the best token the mask left.
            guard let masked = array.data else { return 0 }
            var best = 0
            for index in 0..<array.size where masked[index].logit > masked[best].logit { best = index }
            return masked[best].id
        }
    }

    /// Whether the grammar accepts `token` next (without recording it).
    private func allows(_ grammar: UnsafeMutablePointer<llama_sampler>, _ token: Token, logit: Float) -> Bool {
        var single = llama_token_data(id: token, logit: logit, p: 0)
        return withUnsafeMutablePointer(to: &single) { pointer in
            var array = llama_token_data_array(data: pointer, size: 1, selected: -1, sorted: false)
            llama_sampler_apply(grammar, &array)
            return pointer.pointee.logit.isFinite
        }
    }
}
