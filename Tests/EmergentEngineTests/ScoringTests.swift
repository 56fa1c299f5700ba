import EmergentCore
import Foundation
import Testing

@testable import EmergentEngine

@Suite("Log-likelihood and loss")
struct ScoringTests {
    @Test("log-likelihood of a continuation matches the generation's own log-probs and greedy flag")
    func logLikelihoodMatchesGeneration() async throws {
        let session = try await SharedModel.session()
        let tokenizer = session.model.tokenizer
        let context = tokenizer.tokenize("The first president of the United States was")
        let generated = try await session.complete(
            .tokens(context), options: GenerationOptions(maxTokens: 6, logprobs: 1, ignoreEndOfGeneration: true))

        let scored = try await session.logLikelihood(context: context, continuation: generated.tokens)
        #expect(scored.isGreedy)
        #expect(scored.tokenLogprobs.count == 6)
        for (score, entry) in zip(scored.tokenLogprobs, generated.logprobs) {
            // One batched decode versus one token at a time: the kernels differ slightly in rounding.
            #expect(abs(score - entry.logprob) < 0.05)
        }

        let unlikely = tokenizer.tokenize(" purple elephant banana", addSpecial: false)
        let other = try await session.logLikelihood(context: context, continuation: unlikely)
        #expect(!other.isGreedy)
        #expect(other.total < scored.total)
        #expect(other.tokenLogprobs.allSatisfy { $0 <= 0 })
    }

    static func corpus() throws -> String {
        // llama.cpp's own README: real English prose and code, read from the downloaded source.
        try String(contentsOf: TestResources.llamaSource.appendingPathComponent("README.md"), encoding: .utf8)
    }

    @Test(
        "loss in perplexity chunks matches llama.cpp's llama-perplexity within 1%",
        .enabled(
            if: TestResources.peer("llama-perplexity") != nil,
            "llama-perplexity is not built: run scripts/setup.sh --peers"))
    func lossMatchesLlamaPerplexity() async throws {
        let directory = try TestResources.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let window = 128
        let session = try await SharedModel.session(contextLength: window)
        let tokenizer = session.model.tokenizer
        // Eight windows' worth of text.
        let all = tokenizer.tokenize(try Self.corpus(), addSpecial: true, parseSpecial: false)
        let text = tokenizer.detokenize(Array(all.prefix(8 * window + 1)), removeSpecial: true)
        let file = directory.appendingPathComponent("corpus.txt")
        try text.write(to: file, atomically: true, encoding: .utf8)

        let tokens = tokenizer.tokenize(text, addSpecial: true, parseSpecial: false)
        let ours = try await session.loss(of: tokens, windowing: .perplexityChunks(window: window))
        #expect(ours.windows == tokens.count / window)

        let peer = try #require(TestResources.peer("llama-perplexity"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: peer)
        process.arguments = [
            "-m", TestResources.modelPath, "-f", file.path, "-c", "\(window)", "-b", "\(window)", "-t", "2",
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "llama-perplexity failed: \(output.suffix(500))")
        let line = try #require(output.split(separator: "\n").first { $0.contains("Final estimate: PPL =") })
        let value = try #require(line.split(separator: "=").last?.split(separator: "+").first)
        let theirs = try #require(Double(value.trimmingCharacters(in: .whitespaces)))
        let relative = abs(ours.perplexity - theirs) / theirs
        #expect(relative < 0.01, "Emergent PPL \(ours.perplexity) vs llama-perplexity \(theirs)")
    }

    @Test("overlapping sliding windows score every token but the first exactly once, and more context lowers loss")
    func slidingWindowLoss() async throws {
        let session = try await SharedModel.session(contextLength: 256)
        let tokens = Array(session.model.tokenizer.tokenize(try Self.corpus()).prefix(600))
        let disjoint = try await session.loss(of: tokens, windowing: .sliding(window: 64, stride: 64))
        let narrow = try await session.loss(of: tokens, windowing: .sliding(window: 64, stride: 32))
        let wide = try await session.loss(of: tokens, windowing: .sliding(window: 256, stride: 128))
        // Disjoint windows cannot score their first token: it has no context.
        #expect(disjoint.scoredTokens == tokens.count - disjoint.windows)
        #expect(narrow.scoredTokens == tokens.count - 1)
        #expect(wide.scoredTokens == tokens.count - 1)
        #expect(narrow.meanNegativeLogLikelihood < disjoint.meanNegativeLogLikelihood)
        #expect(wide.meanNegativeLogLikelihood < narrow.meanNegativeLogLikelihood)
        #expect(wide.meanNegativeLogLikelihood > 0)
        await #expect(throws: EngineError.self) {
            _ = try await session.loss(of: tokens, windowing: .sliding(window: 1024, stride: 64))
        }
    }
}

@Suite("Embeddings and metadata")
struct EmbeddingAndMetadataTests {
    @Test("embeddings are L2-normalised, deterministic and distinguish texts")
    func embeddings() async throws {
        let model = try await SharedModel.get()
        let embedder = try await Embedder(model: model, contextLength: 512)
        let a = try await embedder.embed("The cat sat on the mat.")
        let again = try await embedder.embed("The cat sat on the mat.")
        let b = try await embedder.embed("Quarterly revenue grew by eight percent.")
        #expect(a.count == model.metadata.embeddingLength)
        let norm = sqrt(a.reduce(0) { $0 + Double($1) * Double($1) })
        #expect(abs(norm - 1) < 1e-4)
        #expect(a == again)
        let cosine = zip(a, b).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        #expect(cosine < 0.9999)
        await #expect(throws: EngineError.emptyPrompt) { _ = try await embedder.embed("") }
    }

    @Test("metadata describes the default model")
    func metadata() async throws {
        let model = try await SharedModel.get()
        let meta = model.metadata
        #expect(meta.architecture == "gemma3")
        #expect(meta.general["general.architecture"] == "gemma3")
        #expect(meta.name == "Gemma 3 270m")
        #expect((200_000_000...300_000_000).contains(meta.parameterCount))
        #expect(meta.trainingContextLength == 32768)
        #expect(meta.vocabularySize == 262_144)
        #expect(meta.chatTemplate == nil)
        #expect(meta.specialTokens["bos"]?.text == "<bos>")
        #expect(meta.specialTokens["eot"]?.text == "<end_of_turn>")
        #expect(model.header.tensors.count == 236)
        #expect(model.header.requiredFileSize == model.header.fileSize)
    }

    @Test("a model is shared by sessions and freed only after the last one is gone")
    func modelLifetime() async throws {
        weak var weakModel: Model?
        var session: InferenceSession? = try await {
            let model = try await Model.load(from: TestResources.modelPath)
            weakModel = model
            return try await InferenceSession(model: model, options: SessionOptions(contextLength: 128))
        }()
        #expect(weakModel != nil, "the session keeps its model alive")
        let completion = try await session?.complete(
            .text("Hi"), options: GenerationOptions(maxTokens: 2, ignoreEndOfGeneration: true))
        #expect(completion?.tokens.count == 2)
        session = nil
        for _ in 0..<50 where weakModel != nil { try await Task.sleep(for: .milliseconds(20)) }
        #expect(weakModel == nil, "the model is freed once nothing uses it")
    }
}
