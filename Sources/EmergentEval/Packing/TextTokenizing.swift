import EmergentEngine

/// Turns rendered chat text into token ids; the seam between packing and a particular vocabulary.
///
/// Implementations must be safe to call from many tasks at once: conversations are tokenized in parallel.
public protocol TextTokenizing: Sendable {
    /// The tokens of `text`, reading special-token text (such as `<start_of_turn>`) as the special token.
    /// - Parameter addBOS: prepend the beginning-of-sequence token when the vocabulary asks for one.
    func tokens(for text: String, addBOS: Bool) -> [Int32]
    /// The text of the beginning-of-sequence token, if any: a rendered template that already starts with it gets
    /// no second one.
    var bosText: String? { get }
    /// The token written into padding positions.
    var padToken: Int32 { get }
}

/// A GGUF model's own tokenizer (llama.cpp's, which is thread-safe).
public struct ModelTextTokenizer: TextTokenizing {
    private let tokenizer: Tokenizer

    public init(model: Model) { tokenizer = model.tokenizer }

    public func tokens(for text: String, addBOS: Bool) -> [Int32] {
        tokenizer.tokenize(text, addSpecial: addBOS, parseSpecial: true)
    }

    public var bosText: String? {
        guard let bos = tokenizer.bos else { return nil }
        let text = tokenizer.piece(bos, renderSpecial: true)
        return text.isEmpty ? nil : text
    }

    public var padToken: Int32 { tokenizer.eos ?? 0 }
}
