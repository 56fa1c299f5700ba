import EmergentCore
import Foundation
import Testing

@testable import EmergentEngine

@Suite("Bad inputs get the intended, actionable error")
struct BadInputTests {
    enum Case: String, CaseIterable, CustomTestStringConvertible {
        case missing, empty, randomBytes, truncatedHeader, truncatedTensorData, badVersion, unknownArchitecture
        var testDescription: String { rawValue }
    }

    /// Writes the file for `kind` into `directory` and returns its path.
    static func makeFile(_ kind: Case, in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("\(kind.rawValue).gguf").path
        switch kind {
        case .missing:
            return path
        case .empty:
            try Data(Data()).write(to: URL(fileURLWithPath: path))
        case .randomBytes:
            var generator = SystemRandomNumberGenerator()
            let bytes = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // Make sure the random bytes cannot start with the magic by accident.
            try Data(Data([0x00] + bytes)).write(to: URL(fileURLWithPath: path))
        case .truncatedHeader:
            let model = try Data(contentsOf: URL(fileURLWithPath: TestResources.modelPath))
            try Data(model.prefix(200)).write(to: URL(fileURLWithPath: path))
        case .truncatedTensorData:
            let model = try Data(contentsOf: URL(fileURLWithPath: TestResources.modelPath))
            try Data(model.prefix(model.count / 2)).write(to: URL(fileURLWithPath: path))
        case .badVersion:
            let writer = GGUFWriter(version: 99, metadata: [("general.architecture", "llama")])
            try Data(writer.data).write(to: URL(fileURLWithPath: path))
        case .unknownArchitecture:
            let writer = GGUFWriter(metadata: [("general.architecture", "no-such-architecture")])
            try Data(writer.data).write(to: URL(fileURLWithPath: path))
        }
        return path
    }

    @Test("a bad model file is rejected with a precise error, and the process survives", arguments: Case.allCases)
    func badModelFile(kind: Case) async throws {
        let directory = try TestResources.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Self.makeFile(kind, in: directory)

        let error = await #expect(throws: EngineError.self) { _ = try await Model.load(from: path) }
        let thrown = try #require(error)
        switch (kind, thrown) {
        case (.missing, .modelFileNotFound(let reported)):
            #expect(reported == path)
        case (.empty, .notGGUF(_, let detail)):
            #expect(detail.contains("empty"))
        case (.randomBytes, .notGGUF(_, let detail)):
            #expect(detail.contains("instead of 'GGUF'"))
        case (.truncatedHeader, .truncatedGGUF(_, _, let actual)):
            #expect(actual == 200)
        case (.truncatedTensorData, .truncatedGGUF(_, let expected, let actual)):
            #expect(expected == 253_113_024)
            #expect(actual == 253_113_024 / 2)
        case (.badVersion, .corruptGGUF(_, let detail)):
            #expect(detail.contains("version 99"))
        case (.unknownArchitecture, .unsupportedArchitecture(_, let architecture)):
            #expect(architecture == "no-such-architecture")
        default:
            Issue.record("\(kind) produced the wrong error: \(thrown)")
        }
        #expect(!thrown.message.isEmpty)
        #expect(thrown.recovery != nil)
    }

    @Test("negative max tokens are refused before any work; zero only evaluates the prompt", arguments: [-1, -100])
    func negativeMaxTokens(maxTokens: Int) async throws {
        let session = try await SharedModel.session(contextLength: 256)
        let scored = try await session.complete(.text("Hello"), options: GenerationOptions(maxTokens: 0))
        #expect(scored.tokens.isEmpty && scored.finishReason == .maxTokens && scored.prompt.promptTokens > 0)
        await #expect(
            throws: EngineError.invalidOption(name: "max tokens", value: "\(maxTokens)", expected: "0 or more")
        ) {
            _ = try await session.complete(.text("Hello"), options: GenerationOptions(maxTokens: maxTokens))
        }
        let streamed = session.generate(.text("Hello"), options: GenerationOptions(maxTokens: maxTokens))
        await #expect(throws: EngineError.self) {
            for try await _ in streamed {}
        }
    }

    @Test("a prompt longer than the context is refused with both lengths")
    func promptTooLong() async throws {
        let session = try await SharedModel.session(contextLength: 256)
        let prompt = String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 40)
        let count = session.model.tokenizer.tokenize(prompt, addSpecial: true, parseSpecial: true).count
        #expect(count > session.contextLength)
        await #expect(throws: EngineError.promptTooLong(promptTokens: count, contextTokens: session.contextLength)) {
            _ = try await session.complete(.text(prompt), options: GenerationOptions(maxTokens: 4))
        }
        // The session is still usable afterwards.
        let completion = try await session.complete(.text("Hello"), options: GenerationOptions(maxTokens: 2))
        #expect(completion.tokens.count == 2)
    }

    @Test("an empty prompt and out-of-vocabulary tokens are refused")
    func emptyAndInvalidTokens() async throws {
        let session = try await SharedModel.session(contextLength: 128)
        await #expect(throws: EngineError.emptyPrompt) {
            _ = try await session.complete(.tokens([]), options: GenerationOptions(maxTokens: 2))
        }
        let size = session.model.metadata.vocabularySize
        await #expect(throws: EngineError.invalidToken(token: Int32(size), vocabularySize: size)) {
            _ = try await session.complete(.tokens([2, Int32(size)]), options: GenerationOptions(maxTokens: 2))
        }
    }

    @Test("a context larger than memory allows is refused before allocation")
    func contextTooLarge() async throws {
        let model = try await SharedModel.get()
        let error = await #expect(throws: EngineError.self) {
            _ = try await InferenceSession(model: model, options: SessionOptions(contextLength: 50_000_000))
        }
        guard case .contextTooLarge(let tokens, let needed, let available) = try #require(error) else {
            Issue.record("expected contextTooLarge, got \(String(describing: error))")
            return
        }
        #expect(tokens == 50_000_000)
        #expect(needed > available)
    }

    @Test("an invalid grammar is reported, not crashed on")
    func invalidGrammar() async throws {
        let session = try await SharedModel.session(contextLength: 128)
        let error = await #expect(throws: EngineError.self) {
            _ = try await session.complete(
                .text("Hi"), options: GenerationOptions(maxTokens: 4, grammar: Grammar("root ::= [unclosed")))
        }
        guard case .invalidGrammar = try #require(error) else {
            Issue.record("expected invalidGrammar, got \(String(describing: error))")
            return
        }
    }

    @Test(
        "sampling options out of range are refused",
        arguments: [
            SamplingParameters(temperature: -1), SamplingParameters(topP: 1.5), SamplingParameters(topK: -3),
            SamplingParameters(minP: -0.1), SamplingParameters(repeatPenalty: 0),
        ])
    func badSampling(sampling: SamplingParameters) async throws {
        let session = try await SharedModel.session(contextLength: 128)
        await #expect(throws: EngineError.self) {
            _ = try await session.complete(.text("Hi"), options: GenerationOptions(maxTokens: 2, sampling: sampling))
        }
    }
}
