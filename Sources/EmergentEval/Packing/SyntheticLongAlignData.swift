/// A seeded data set shaped like LongAlign's training mix: a few long conversations (8k–64k tokens, mostly a long
/// document in the user turn) among many short chats (tens to hundreds of tokens a turn).
///
/// About 4% of conversations are long, which makes the mean about 2,100 tokens: 10,000 conversations hold about
/// 20M tokens. The text is common English words, each roughly one token, so lengths in words approximate tokens.
public struct SyntheticLongAlignData: Sendable {
    /// One conversation's planned size in tokens.
    public struct Shape: Sendable, Hashable {
        public var promptTokens: Int
        public var answerTokens: Int
        public var total: Int { promptTokens + answerTokens }
    }

    public var seed: UInt64
    /// The share of long conversations.
    public var longFraction = 0.04

    public init(seed: UInt64 = 0) { self.seed = seed }

    /// The sizes of `count` conversations.
    public func shapes(count: Int) -> [Shape] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            if Double.random(in: 0..<1, using: &generator) < longFraction {
                let total = Int.random(in: 8_192...65_536, using: &generator)
                let answer = Int.random(in: 200...2_000, using: &generator)
                return Shape(promptTokens: total - answer, answerTokens: answer)
            }
            return Shape(
                promptTokens: Int.random(in: 20...600, using: &generator),
                answerTokens: Int.random(in: 50...800, using: &generator))
        }
    }

    /// `count` conversations in the OpenAI JSONL shape, one per line, with the sizes of `shapes(count:)`.
    public func jsonl(count: Int) -> String {
        var generator = SeededGenerator(seed: seed ^ 0x5EED)
        var text = ""
        for shape in shapes(count: count) {
            text += #"{"messages":[{"role":"user","content":""#
            appendWords(shape.promptTokens, to: &text, using: &generator)
            text += #""},{"role":"assistant","content":""#
            appendWords(shape.answerTokens, to: &text, using: &generator)
            text += "\"}]}\n"
        }
        return text
    }

    private static let words = [
        "the", "model", "reads", "long", "documents", "and", "answers", "questions", "about", "them", "with", "care",
        "while", "people", "write", "short", "notes", "on", "every", "page", "of", "a", "book", "in", "time",
    ]

    private func appendWords(_ count: Int, to text: inout String, using generator: inout SeededGenerator) {
        for index in 0..<count {
            if index > 0 { text += " " }
            text += Self.words[Int.random(in: 0..<Self.words.count, using: &generator)]
        }
    }
}
