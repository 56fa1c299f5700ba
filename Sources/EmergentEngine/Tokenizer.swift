import CLlama

/// A token id in a model's vocabulary.
public typealias Token = Int32

/// Converts between text and a model's tokens.
///
/// A `Tokenizer` keeps its model alive and is safe to use from any thread: llama.cpp's tokenizer is thread-safe.
public struct Tokenizer: Sendable {
    /// The model whose vocabulary this is.
    public let model: Model

    init(model: Model) { self.model = model }

    private var vocab: OpaquePointer { model.vocab }

    /// Number of tokens in the vocabulary.
    public var vocabularySize: Int { Int(llama_vocab_n_tokens(vocab)) }
    /// The beginning-of-sequence token, if the model has one.
    public var bos: Token? { validToken(llama_vocab_bos(vocab)) }
    /// The end-of-sequence token, if the model has one.
    public var eos: Token? { validToken(llama_vocab_eos(vocab)) }
    /// Whether `tokenize(_:addSpecial:)` with `addSpecial` prepends BOS for this model.
    public var addsBOS: Bool { llama_vocab_get_add_bos(vocab) }

    private func validToken(_ token: Token) -> Token? { token >= 0 ? token : nil }

    /// True for tokens that end a generation (end of sequence, end of turn, and similar).
    public func isEndOfGeneration(_ token: Token) -> Bool { llama_vocab_is_eog(vocab, token) }

    /// True for control tokens (rendered only when special tokens are asked for).
    public func isControl(_ token: Token) -> Bool { llama_vocab_is_control(vocab, token) }

    /// Splits `text` into tokens.
    /// - Parameters:
    ///   - addSpecial: add the model's BOS/EOS tokens where its configuration asks for them.
    ///   - parseSpecial: read special-token text such as `<start_of_turn>` as the special token itself,
    ///     rather than as plain characters. Templates' output needs this; untrusted user text does not.
    public func tokenize(_ text: String, addSpecial: Bool = true, parseSpecial: Bool = false) -> [Token] {
        var utf8 = Array(text.utf8)
        let byteCount = Int32(clamping: utf8.count)
        var capacity = utf8.count + 8
        while true {
            var tokens = [Token](repeating: 0, count: capacity)
            let count = utf8.withUnsafeMutableBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { chars in
                    tokens.withUnsafeMutableBufferPointer { out in
                        llama_tokenize(
                            vocab, chars.baseAddress, byteCount, out.baseAddress, Int32(clamping: capacity), addSpecial,
                            parseSpecial)
                    }
                }
            }
            if count >= 0 { return Array(tokens[0..<Int(count)]) }
            if count == Int32.min { return [] }
            capacity = Int(-count)
            utf8 = Array(text.utf8)
        }
    }

    /// The bytes a token stands for. A single token may hold part of a multi-byte character.
    /// - Parameter renderSpecial: include the text of special/control tokens (otherwise they render as nothing).
    public func pieceBytes(_ token: Token, renderSpecial: Bool = false) -> [UInt8] {
        var capacity = 32
        while true {
            var buffer = [CChar](repeating: 0, count: capacity)
            let count = buffer.withUnsafeMutableBufferPointer {
                llama_token_to_piece(vocab, token, $0.baseAddress, Int32(capacity), 0, renderSpecial)
            }
            if count >= 0 { return buffer[0..<Int(count)].map { UInt8(bitPattern: $0) } }
            capacity = Int(-count)
        }
    }

    /// A token's text, with any incomplete UTF-8 replaced by U+FFFD. Use `StreamingDetokenizer` for streams.
    public func piece(_ token: Token, renderSpecial: Bool = false) -> String {
        String(decoding: pieceBytes(token, renderSpecial: renderSpecial), as: UTF8.self)
    }

    /// Turns tokens back into text.
    /// - Parameters:
    ///   - removeSpecial: drop a leading BOS / trailing EOS that the model's configuration would add.
    ///   - renderSpecial: include the text of special tokens.
    public func detokenize(_ tokens: [Token], removeSpecial: Bool = false, renderSpecial: Bool = false) -> String {
        var capacity = max(64, tokens.count * 8)
        while true {
            var buffer = [CChar](repeating: 0, count: capacity)
            let count = tokens.withUnsafeBufferPointer { input in
                buffer.withUnsafeMutableBufferPointer { out in
                    llama_detokenize(
                        vocab, input.baseAddress, Int32(clamping: input.count), out.baseAddress,
                        Int32(clamping: capacity), removeSpecial, renderSpecial)
                }
            }
            if count >= 0 {
                return String(decoding: buffer[0..<Int(count)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            if count == Int32.min { return "" }
            capacity = Int(-count)
        }
    }

    /// Checks that every token id is inside the vocabulary.
    public func validate(_ tokens: [Token]) throws(EngineError) {
        let size = vocabularySize
        if let bad = tokens.first(where: { $0 < 0 || Int($0) >= size }) {
            throw .invalidToken(token: bad, vocabularySize: size)
        }
    }
}
