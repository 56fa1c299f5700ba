import EmergentCore
import EmergentEval
import EmergentModels
import Testing

/// One token per UTF-8 byte, so tests can read labels back as text.
struct ByteTokenizer: TextTokenizing {
    func tokens(for text: String, addBOS: Bool) -> [Int32] { text.utf8.map { Int32($0) } }
    var bosText: String? { nil }
    var padToken: Int32 { 0 }
}

@Suite("Packing: chat templates decide which tokens are targets")
struct PackingTemplateTests {
    static let gemmaLike = """
        {{ bos_token }}{% for m in messages %}<start_of_turn>{{ 'model' if m['role'] == 'assistant' else m['role'] }}
        {{ m['content'] }}<end_of_turn>
        {% endfor %}{% if add_generation_prompt %}<start_of_turn>model
        {% endif %}
        """

    func text(_ values: [Int32]) -> String { String(decoding: values.map { UInt8($0) }, as: UTF8.self) }

    @Test("only the assistant's reply and its end-of-turn are targets, not the turn header")
    func templateTargets() throws {
        let encoder = ConversationEncoder(format: try ChatTemplate(source: Self.gemmaLike), tokenizer: ByteTokenizer())
        let conversation = TrainingConversation(messages: [
            .user("Hi"), .assistant("Hello!"), .user("Bye"), .assistant("Ciao"),
        ])
        let sequence = try #require(try encoder.encode(conversation, index: 1))
        let targets = text(sequence.labels.filter { $0 != TokenizedSequence.ignoredLabel })
        #expect(targets == "Hello!<end_of_turn>\nCiao<end_of_turn>\n")
        #expect(text(sequence.tokens).hasPrefix("<start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\nHello!"))
    }

    @Test("a template that rewrites earlier turns is skipped and counted, not packed wrongly")
    func unsplittableTemplate() async throws {
        let source =
            "{% if messages|length > 1 %}MANY {% endif %}{% for m in messages %}{{ m['content'] }}\n{% endfor %}"
        let encoder = ConversationEncoder(format: try ChatTemplate(source: source), tokenizer: ByteTokenizer())
        let result = try await encoder.encodeAll([
            TrainingConversation(messages: [.user("a"), .assistant("b")]),
            TrainingConversation(messages: [.assistant("only")]),
            TrainingConversation(messages: [.user("no answer")]),
        ])
        #expect(result.skippedUnsplittable == 1)
        #expect(result.skippedWithoutTargets == 1)
        #expect(result.sequences.count == 1)
    }
}
