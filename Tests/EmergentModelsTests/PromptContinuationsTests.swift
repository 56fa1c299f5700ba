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

    @Test("a chain of steps keeps every earlier step's tokens")
    func chain() async throws {
        let tokenizer = try await ConstrainedDecodingTests.model.value.tokenizer
        let continuations = PromptContinuations()
        func generated(_ pieces: [String]) -> [GeneratedToken] {
            pieces.map { GeneratedToken(id: tokenizer.tokenize($0, addSpecial: false)[0], bytes: Array($0.utf8), logprob: nil) }
        }
        var text = "<start_of_turn>user\nCount with me.<end_of_turn>\n<start_of_turn>model\n"
        var tokens = tokenizer.tokenize(text, addSpecial: true, parseSpecial: true)
        for step in 1...3 {
            let reply = generated(["\n", "One", " more", "."])
            continuations.record(prompt: text, tokens: tokens, generated: reply, tokenizer: tokenizer)
            let kept = tokens + reply.map(\.id)
            text += "\nOne more.<end_of_turn>\n<start_of_turn>user\nStep \(step).<end_of_turn>\n<start_of_turn>model\n"
            tokens = try #require(continuations.tokens(for: text, tokenizer: tokenizer))
            #expect(Array(tokens.prefix(kept.count)) == kept, "step \(step)")
            #expect(tokenizer.detokenize(tokens, renderSpecial: true) == "<bos>" + text)
        }
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
