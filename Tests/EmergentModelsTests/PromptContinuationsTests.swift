import EmergentCore
import Testing

@testable import EmergentEngine
@testable import EmergentModels

@Suite("Prompt continuations (real tokenizer)")
struct PromptContinuationsTests {
    @Test("a prompt continuing a recorded prompt and reply keeps their tokens across the seam")
    func seamKept() async throws {
        let tokenizer = try await ConstrainedDecodingTests.model.value.tokenizer
        let continuations = PromptContinuations()
        let prompt = "<start_of_turn>user\nList two colours.<end_of_turn>\n<start_of_turn>model\n"
        let promptTokens = tokenizer.tokenize(prompt, addSpecial: true, parseSpecial: true)
        // The reply began with a newline of its own, generated as a separate token.
        let reply = ["\n", "Red", " and", " blue", "."].map { piece -> GeneratedToken in
            let token = tokenizer.tokenize(piece, addSpecial: false, parseSpecial: false)
            return GeneratedToken(id: token[0], bytes: Array(piece.utf8), logprob: nil)
        }
        continuations.record(prompt: prompt, tokens: promptTokens, generated: reply, tokenizer: tokenizer)
        let next = prompt + "\nRed and blue.<end_of_turn>\n<start_of_turn>user\nTwo more.<end_of_turn>\n"
        let continued = try #require(continuations.tokens(for: next, tokenizer: tokenizer))
        let kept: [Token] = Array(continued.prefix(promptTokens.count + reply.count))
        let expected: [Token] = promptTokens + reply.map(\.id)
        #expect(kept == expected)
        #expect(tokenizer.detokenize(continued, renderSpecial: true) == "<bos>" + next)
        // Tokenized afresh, the prompt's last "\n" and the reply's "\n" merge, so the fresh tokens part there.
        let fresh = tokenizer.tokenize(next, addSpecial: true, parseSpecial: true)
        let shared = zip(fresh, promptTokens).prefix { $0 == $1 }.count
        #expect(shared < promptTokens.count, "this case needs a seam that re-tokenizes differently")
    }

    @Test("text that shares too little with anything recorded is tokenized as usual")
    func unrelatedText() async throws {
        let tokenizer = try await ConstrainedDecodingTests.model.value.tokenizer
        let continuations = PromptContinuations()
        let prompt = "A prompt about gardens and the plants that grow in them."
        continuations.record(
            prompt: prompt, tokens: tokenizer.tokenize(prompt, addSpecial: true), generated: [], tokenizer: tokenizer)
        #expect(continuations.tokens(for: "Something else entirely, about ships.", tokenizer: tokenizer) == nil)
    }
}
