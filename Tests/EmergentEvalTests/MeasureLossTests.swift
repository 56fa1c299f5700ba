import EmergentEngine
import EmergentEval
import Foundation
import Testing

@Suite("Measure: corpus loss")
struct MeasureLossTests {
    @Test(
        "the corpus loss agrees with ln(PPL) from llama.cpp's llama-perplexity within 1%",
        .enabled(if: MeasureResources.peer("llama-perplexity") != nil, "llama-perplexity is not built"))
    func lossMatchesLlamaPerplexity() async throws {
        let window = 128
        let session = try await MeasureModel.session(contextLength: window)
        let text = try String(contentsOf: MeasureResources.corpus, encoding: .utf8)
        let ours = try await CorpusLoss(window: window).measure(text, session: session)
        #expect(ours.windows >= 2)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(MeasureResources.peer("llama-perplexity")))
        process.arguments = [
            "-m", MeasureResources.modelPath, "-f", MeasureResources.corpus.path, "-c", "\(window)", "-b",
            "\(window)", "-t", "2",
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
        let theirs = log(try #require(Double(value.trimmingCharacters(in: .whitespaces))))
        let relative = abs(ours.meanNegativeLogLikelihood - theirs) / theirs
        #expect(relative < 0.01, "our loss \(ours.meanNegativeLogLikelihood) vs llama-perplexity ln(PPL) \(theirs)")
    }

    @Test("a corpus shorter than two windows is scored with sliding windows")
    func shortCorpusSlides() async throws {
        let session = try await MeasureModel.session(contextLength: 128)
        let loss = try await CorpusLoss(window: 128).measure(
            "The cat sat on the mat. The dog lay by the door.", session: session)
        #expect(loss.scoredTokens > 5)
        #expect(loss.meanNegativeLogLikelihood > 0)
        #expect(CorpusLoss(window: 128).windowing(tokenCount: 40) == .sliding(window: 40, stride: 20))
        #expect(CorpusLoss(window: 128).windowing(tokenCount: 400) == .perplexityChunks(window: 128))
        #expect(CorpusLoss(window: 128, stride: 32).windowing(tokenCount: 400) == .sliding(window: 128, stride: 32))
    }
}
