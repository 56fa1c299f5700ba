import EmergentCore
import Foundation
import Testing

@testable import EmergentEngine

@Suite("Tokenizer")
struct TokenizerTests {
    @Test(
        "text round-trips through tokenize and detokenize",
        arguments: [
            "Hello, world! This is a plain English sentence.",
            "你好，世界。今天天气很好，我们去公园散步吧。",
            "Emoji: 😀🎉👩‍👩‍👧‍👦 and flags 🇫🇷🇯🇵",
            "func add(_ a: Int, _ b: Int) -> Int {\n    return a + b // sum\n}\n",
            "Mixed: café naïve Ελληνικά русский العربية हिन्दी 日本語 한국어 🚀 x²+y²=z²",
        ])
    func roundTrip(text: String) async throws {
        let tokenizer = try await SharedModel.get().tokenizer
        let tokens = tokenizer.tokenize(text, addSpecial: false)
        #expect(!tokens.isEmpty)
        #expect(tokenizer.detokenize(tokens) == text)
        let withBOS = tokenizer.tokenize(text, addSpecial: true)
        #expect(withBOS.first == tokenizer.bos)
        #expect(tokenizer.detokenize(withBOS, removeSpecial: true) == text)
    }

    @Test("special tokens are parsed only when asked")
    func specialTokens() async throws {
        let tokenizer = try await SharedModel.get().tokenizer
        let parsed = tokenizer.tokenize("<start_of_turn>user", addSpecial: false, parseSpecial: true)
        let literal = tokenizer.tokenize("<start_of_turn>user", addSpecial: false, parseSpecial: false)
        #expect(parsed.count < literal.count)
        #expect(tokenizer.piece(parsed[0], renderSpecial: true) == "<start_of_turn>")
        #expect(tokenizer.piece(parsed[0], renderSpecial: false) == "")
    }

    @Test("streaming detokenization never emits a broken character, even when one spans several tokens")
    func streamingDetokenization() async throws {
        let tokenizer = try await SharedModel.get().tokenizer
        // Rare characters fall back to byte tokens, so each token holds part of one character.
        let text = "𓀀𓁐 ok 🦩 done 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"
        let tokens = tokenizer.tokenize(text, addSpecial: false)
        let pieces = tokens.map { tokenizer.pieceBytes($0) }
        #expect(
            pieces.contains { String(validating: $0, as: UTF8.self) == nil },
            "expected a token holding a partial character")

        var detokenizer = StreamingDetokenizer()
        var output = ""
        for piece in pieces {
            let delta = detokenizer.append(piece)
            #expect(!delta.contains("\u{FFFD}"))
            output += delta
        }
        output += detokenizer.flush()
        #expect(output == text)
    }

    @Test("the UTF-8 hold-back logic handles every sequence length and invalid bytes")
    func utf8HoldBack() {
        let bytes = Array("a€😀é".utf8)  // 1 + 3 + 4 + 2 bytes
        var detokenizer = StreamingDetokenizer()
        var output = ""
        for byte in bytes {
            output += detokenizer.append([byte])
            #expect(!output.contains("\u{FFFD}"))
        }
        #expect(output == "a€😀é")
        #expect(!detokenizer.isHoldingBytes)
        // A stray continuation byte is invalid and is not held back forever.
        #expect(detokenizer.append([0x80, 0x41]) == "\u{FFFD}A")
        // An incomplete sequence at the end is flushed as a replacement character.
        #expect(detokenizer.append([0xF0, 0x9F]) == "")
        #expect(detokenizer.flush() == "\u{FFFD}")
    }
}

@Suite("Stop strings")
struct StopSequenceMatcherTests {
    @Test("a stop string split across pieces is found and not emitted")
    func splitStop() {
        var matcher = StopSequenceMatcher(stops: ["\nUser:"])
        var emitted = ""
        var found: String?
        for piece in ["Hello", " there", "\nUs", "er", ": more"] {
            let step = matcher.append(piece)
            emitted += step.text
            if let stop = step.stop {
                found = stop
                break
            }
        }
        #expect(found == "\nUser:")
        #expect(emitted == "Hello there")
    }

    @Test("held-back text is released when it stops matching")
    func releaseOnMismatch() {
        var matcher = StopSequenceMatcher(stops: ["STOP"])
        #expect(matcher.append("abc ST").text == "abc ")
        #expect(matcher.append("ART").text == "START")
        #expect(matcher.append(" S").text == " ")
        #expect(matcher.flush() == "S")
    }

    @Test("the earliest of several stop strings wins")
    func earliest() {
        var matcher = StopSequenceMatcher(stops: ["world", "lo w"])
        let step = matcher.append("hello world")
        #expect(step.text == "hel")
        #expect(step.stop == "lo w")
    }
}

@Suite("Logits arithmetic")
struct LogitsMathTests {
    @Test("argmax finds the first largest value in blocks and in the tail", arguments: [1, 63, 64, 65, 1000, 262_144])
    func argmax(count: Int) {
        for position in Set([0, count / 2, count - 1]) {
            var values = (0..<count).map { Float(($0 * 7919) % 1000) / 100 }
            values[position] = 100
            if position + 1 < count { values[position + 1] = 100 }  // a tie: the first one wins
            let found = values.withUnsafeBufferPointer { LogitsMath.argmax($0) }
            #expect(found == position)
        }
        let negative = [Float](repeating: -5, count: count)
        #expect(negative.withUnsafeBufferPointer { LogitsMath.argmax($0) } == 0)
    }
}
