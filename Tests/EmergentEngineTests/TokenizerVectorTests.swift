import Foundation
import Testing

@testable import EmergentEngine

/// llama.cpp's tokenizer test vectors (`models/ggml-vocab-*.gguf` with `.inp`/`.out`), as its own
/// test-tokenizer-0 runs them: no special tokens added, special text not parsed.
@Suite("Tokenizer test vectors from llama.cpp")
struct TokenizerVectorTests {
    static let vocabularies = [
        "llama-bpe", "qwen2", "gpt-2", "gemma-4", "llama-spm", "phi-3", "deepseek-llm", "deepseek-coder", "falcon",
        "mpt", "starcoder", "command-r", "refact", "qwen35", "bert-bge",
    ]

    struct Vector {
        var input: String
        var expected: [Int32]
    }

    static func readVectors(_ name: String) throws -> [Vector] {
        let base = TestResources.llamaSource.appendingPathComponent("models/ggml-vocab-\(name).gguf")
        let input = try String(contentsOf: base.appendingPathExtension("inp"), encoding: .utf8)
        let output = try String(contentsOf: base.appendingPathExtension("out"), encoding: .utf8)
        var inputs = input.components(separatedBy: "\n__ggml_vocab_test__\n")
        if inputs.last == "" { inputs.removeLast() }
        var lines = output.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        guard inputs.count == lines.count else {
            throw VectorError(message: "\(name): \(inputs.count) inputs but \(lines.count) expected outputs")
        }
        return zip(inputs, lines).map { input, line in
            Vector(input: input, expected: line.split(separator: " ").compactMap { Int32($0) })
        }
    }

    struct VectorError: Error { var message: String }

    @Test("every vector tokenizes exactly as llama.cpp expects", arguments: vocabularies)
    func vectors(name: String) async throws {
        let path = TestResources.llamaSource.appendingPathComponent("models/ggml-vocab-\(name).gguf").path
        let model = try await Model.load(from: path, options: ModelOptions(vocabularyOnly: true))
        let vectors = try Self.readVectors(name)
        #expect(vectors.count >= 20)
        var failures = 0
        for vector in vectors {
            let tokens = model.tokenizer.tokenize(vector.input, addSpecial: false, parseSpecial: false)
            if tokens != vector.expected {
                failures += 1
                Issue.record("\(name): \(vector.input.debugDescription) gave \(tokens), expected \(vector.expected)")
            }
        }
        #expect(failures == 0)
    }
}
