import CLlama
import EmergentCore
import Foundation

/// Chooses the next token: a plain arg-max for greedy decoding, otherwise a llama.cpp sampler chain
/// (grammar, penalties, top-k, top-p, min-p, temperature, seeded random choice).
final class TokenSampler {
    private let chain: UnsafeMutablePointer<llama_sampler>?

    init(model: Model, options: GenerationOptions) throws(EngineError) {
        let sampling = options.sampling
        if options.grammar == nil && sampling.isPlainGreedy {
            chain = nil
            return
        }
        guard let chain = llama_sampler_chain_init(llama_sampler_chain_default_params()) else {
            throw .contextCreationFailed(detail: "could not allocate a sampler chain")
        }
        self.chain = chain
        if let grammar = options.grammar {
            let logStart = LlamaRuntime.logPosition
            guard let sampler = Self.grammarSampler(grammar, vocab: model.vocab) else {
                let log = LlamaRuntime.problems(since: logStart)
                throw .invalidGrammar(detail: log.isEmpty ? "llama.cpp rejected it" : log.joined(separator: "; "))
            }
            llama_sampler_chain_add(chain, sampler)
        }
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
        guard let chain else { return Token(LogitsMath.argmax(logits)) }
        return llama_sampler_sample(chain, context, outputIndex)
    }
}
