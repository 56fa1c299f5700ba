import EmergentCore
import Foundation
import Testing

@testable import EmergentEngine

@Suite("Generation")
struct GenerationTests {
    static let prompt = "The history of the printing press begins"

    @Test("greedy generation gives the same text twice, and the same seed gives the same sample twice")
    func determinism() async throws {
        let first = try await SharedModel.session()
        let second = try await SharedModel.session()
        let greedy = GenerationOptions(maxTokens: 24, ignoreEndOfGeneration: true)
        let a = try await first.complete(.text(Self.prompt), options: greedy)
        let b = try await second.complete(.text(Self.prompt), options: greedy)
        #expect(a.tokens.count == 24)
        #expect(a.text == b.text)
        #expect(a.tokens == b.tokens)

        let sampled = { (seed: UInt32) in
            GenerationOptions(
                maxTokens: 24, sampling: SamplingParameters(temperature: 1.0, topK: 40, topP: 0.95, seed: seed),
                ignoreEndOfGeneration: true)
        }
        let c = try await first.complete(.text(Self.prompt), options: sampled(7))
        let d = try await second.complete(.text(Self.prompt), options: sampled(7))
        let e = try await second.complete(.text(Self.prompt), options: sampled(8))
        #expect(c.tokens == d.tokens)
        #expect(c.tokens != e.tokens, "different seeds should (almost surely) sample differently")
    }

    @Test("a stop string spanning a token boundary ends generation and is not emitted")
    func stopString() async throws {
        let session = try await SharedModel.session()
        let tokenizer = session.model.tokenizer
        let free = try await session.complete(
            .text(Self.prompt), options: GenerationOptions(maxTokens: 32, ignoreEndOfGeneration: true))
        // Build a stop string from the end of token 5 and the start of token 6: it spans a boundary.
        let pieces = free.tokens.map { tokenizer.piece($0) }
        let index = try #require(
            pieces.indices.dropFirst(4).first {
                $0 + 1 < pieces.count && pieces[$0].count >= 2 && pieces[$0 + 1].count >= 2
            })
        let stop = String(pieces[index].suffix(1)) + String(pieces[index + 1].prefix(2))
        let stopRange = try #require(free.text.range(of: stop))
        let expectedText = String(free.text[..<stopRange.lowerBound])

        let stopped = try await session.collect(
            .text(Self.prompt), options: GenerationOptions(maxTokens: 32, stop: [stop]))
        #expect(stopped.summary?.finishReason == .stopSequence(stop))
        #expect(stopped.text == expectedText)
        #expect(!stopped.text.contains(stop))
    }

    @Test("a JSON grammar gives output that parses as JSON, 10 times out of 10")
    func jsonGrammar() async throws {
        let grammarURL = TestResources.llamaSource.appendingPathComponent("grammars/json.gbnf")
        let grammar = Grammar(try String(contentsOf: grammarURL, encoding: .utf8))
        let session = try await SharedModel.session()
        let prompt = """
            Users as JSON, one per line:
            {"name": "Ada", "age": 36}
            {"name": "Linus", "age": 54}
            {"name": "Grace", "age": 85}

            """
        for seed in UInt32(1)...10 {
            let options = GenerationOptions(
                maxTokens: 200, sampling: SamplingParameters(temperature: 0.7, topK: 40, seed: seed), grammar: grammar)
            let completion = try await session.complete(.text(prompt), options: options)
            #expect(completion.finishReason == .endOfGeneration, "seed \(seed): \(completion.text)")
            let parsed = try? JSONSerialization.jsonObject(
                with: Data(completion.text.utf8), options: [.fragmentsAllowed])
            #expect(parsed != nil, "seed \(seed) gave invalid JSON: \(completion.text)")
        }
    }

    @Test("log-probabilities are at most 0 and the top alternative is the greedy token")
    func logprobs() async throws {
        let session = try await SharedModel.session()
        let completion = try await session.complete(
            .text(Self.prompt), options: GenerationOptions(maxTokens: 12, logprobs: 5, ignoreEndOfGeneration: true))
        #expect(completion.logprobs.count == 12)
        for (token, entry) in zip(completion.tokens, completion.logprobs) {
            #expect(entry.token == token)
            #expect(entry.logprob <= 0)
            #expect(entry.top.count == 5)
            #expect(entry.top.first?.token == token, "greedy decoding picks the most likely token")
            #expect(abs((entry.top.first?.logprob ?? 1) - entry.logprob) < 1e-9)
            #expect(entry.top.map(\.logprob) == entry.top.map(\.logprob).sorted(by: >))
            #expect(entry.top.allSatisfy { $0.logprob <= 0 })
        }
    }

    @Test("streamed events arrive in order: prompt, tokens and text, then one finish")
    func eventOrder() async throws {
        let session = try await SharedModel.session()
        var kinds: [String] = []
        for try await event in session.generate(
            .text(Self.prompt), options: GenerationOptions(maxTokens: 8, ignoreEndOfGeneration: true))
        {
            switch event {
            case .prompt: kinds.append("prompt")
            case .promptLogprobs: kinds.append("promptLogprobs")
            case .token: kinds.append("token")
            case .text: kinds.append("text")
            case .finished(let summary):
                kinds.append("finished")
                #expect(summary.finishReason == .maxTokens)
                #expect(summary.usage.completionTokens == 8)
                #expect(summary.usage.generationSeconds > 0)
            }
        }
        #expect(kinds.first == "prompt")
        #expect(kinds.last == "finished")
        #expect(kinds.filter { $0 == "token" }.count == 8)
        #expect(kinds.filter { $0 == "finished" }.count == 1)
    }
}

@Suite("Prefix reuse and session state")
struct PrefixReuseTests {
    @Test("a prompt that extends the cached one evaluates only the new tokens, and matches a cold run exactly")
    func prefixReuse() async throws {
        let warm = try await SharedModel.session()
        let cold = try await SharedModel.session()
        let base = "User: Tell me about the moons of Jupiter.\nAssistant:"
        let first = try await warm.complete(
            .text(base), options: GenerationOptions(maxTokens: 20, ignoreEndOfGeneration: true))
        let followUp = base + first.text + "\nUser: And Saturn?\nAssistant:"

        let tokenizer = warm.model.tokenizer
        let followUpTokens = tokenizer.tokenize(followUp, addSpecial: true, parseSpecial: true)
        let options = GenerationOptions(maxTokens: 16, ignoreEndOfGeneration: true)
        let reused = try await warm.complete(.tokens(followUpTokens), options: options)
        let fresh = try await cold.complete(.tokens(followUpTokens), options: options)

        #expect(reused.prompt.reusedTokens > 20)
        #expect(reused.prompt.evaluatedTokens < 20)
        #expect(reused.prompt.reusedTokens + reused.prompt.evaluatedTokens == followUpTokens.count)
        #expect(fresh.prompt.reusedTokens == 0)
        #expect(reused.tokens == fresh.tokens)
    }

    @Test("appending 20 tokens to a 1,000-token session evaluates at most 25")
    func appendToLongSession() async throws {
        let session = try await SharedModel.session()
        let tokenizer = session.model.tokenizer
        let text = String(repeating: "Rivers carry water from the mountains to the sea, shaping valleys. ", count: 80)
        let tokens = Array(tokenizer.tokenize(text).prefix(1020))
        try #require(tokens.count == 1020)
        try await session.prefill(.tokens(Array(tokens.prefix(1000))))
        let stats = try await session.prefill(.tokens(tokens))
        #expect(stats.reusedTokens == 1000)
        #expect(stats.evaluatedTokens == 20)
    }

    @Test("a diverging prompt keeps the common prefix and drops the rest")
    func divergingPrompt() async throws {
        let session = try await SharedModel.session()
        let a = try await session.prefill(.text("The weather today is sunny and warm"))
        let b = try await session.prefill(.text("The weather today is cold and rainy"))
        #expect(a.reusedTokens == 0)
        #expect(b.reusedTokens > 2)
        #expect(b.reusedTokens < b.promptTokens)
        #expect(await session.cachedTokenCount == b.promptTokens)
    }

    @Test("save and restore give the same continuation as an uninterrupted session")
    func sessionState() async throws {
        let directory = try TestResources.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("session.bin")
        let prompt = "Once upon a time, in a village by the sea, there lived an old fisherman who"
        let options = GenerationOptions(maxTokens: 20, ignoreEndOfGeneration: true)

        let original = try await SharedModel.session()
        let stats = try await original.prefill(.text(prompt))
        let bytes = try await original.saveState(to: file)
        #expect(bytes > 0)
        let uninterrupted = try await original.complete(.text(prompt), options: options)

        let resumed = try await SharedModel.session()
        let restored = try await resumed.restoreState(from: file)
        #expect(restored == stats.promptTokens)
        let continued = try await resumed.complete(.text(prompt), options: options)
        #expect(continued.prompt.reusedTokens == stats.promptTokens - 1)
        #expect(continued.tokens == uninterrupted.tokens)
    }

    @Test("restoring a corrupt or missing state file fails clearly and leaves the session usable")
    func corruptState() async throws {
        let directory = try TestResources.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("garbage.bin")
        try Data((0..<1000).map { UInt8($0 % 251) }).write(to: file)
        let session = try await SharedModel.session()
        await #expect(throws: EngineError.self) { try await session.restoreState(from: file) }
        await #expect(throws: EngineError.self) {
            try await session.restoreState(from: directory.appendingPathComponent("missing.bin"))
        }
        #expect(await session.cachedTokenCount == 0)
        let completion = try await session.complete(
            .text("Hello"), options: GenerationOptions(maxTokens: 3, ignoreEndOfGeneration: true))
        #expect(completion.tokens.count == 3)
    }
}

@Suite("Context options")
struct ContextOptionTests {
    @Test(
        "every KV cache type and flash-attention setting generates",
        arguments: [
            (KVCacheType.f16, FlashAttention.off), (.f16, .on), (.q8_0, .on), (.q4_0, .auto),
        ])
    func cacheTypes(cache: KVCacheType, attention: FlashAttention) async throws {
        let model = try await SharedModel.get()
        let session = try await InferenceSession(
            model: model,
            options: SessionOptions(contextLength: 256, batchSize: 64, kvCacheType: cache, flashAttention: attention))
        let completion = try await session.complete(
            .text("The three primary colors are"), options: GenerationOptions(maxTokens: 8, ignoreEndOfGeneration: true)
        )
        #expect(completion.tokens.count == 8)
        #expect(!completion.text.isEmpty)
        #expect(completion.prompt.evaluatedTokens == completion.prompt.promptTokens)
    }

    @Test("a quantized KV cache without flash attention is refused with the reason")
    func quantizedCacheNeedsFlashAttention() async throws {
        let model = try await SharedModel.get()
        let error = await #expect(throws: EngineError.self) {
            _ = try await InferenceSession(
                model: model, options: SessionOptions(contextLength: 256, kvCacheType: .q8_0, flashAttention: .off))
        }
        #expect(error?.message.contains("flash attention") == true)
    }

    @Test("a prompt longer than the batch size is evaluated in several batches with the same result")
    func smallBatches() async throws {
        let model = try await SharedModel.get()
        let small = try await InferenceSession(model: model, options: SessionOptions(contextLength: 512, batchSize: 16))
        let large = try await InferenceSession(model: model, options: SessionOptions(contextLength: 512))
        let prompt = String(repeating: "Batches of tokens are decoded together. ", count: 8)
        let options = GenerationOptions(maxTokens: 10, ignoreEndOfGeneration: true)
        let a = try await small.complete(.text(prompt), options: options)
        let b = try await large.complete(.text(prompt), options: options)
        #expect(a.prompt.promptTokens > 16)
        #expect(a.tokens == b.tokens)
    }
}
