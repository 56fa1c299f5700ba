import EmergentEngine
import Synchronization

/// The token sequences of recent prompts and replies, so that a prompt continuing one of them — the next step of
/// an agent, the next turn of a chat — keeps those exact tokens and only its new text is tokenized.
///
/// Tokenizing the whole prompt afresh can change tokens at the seams: the previous prompt's last token may merge with
/// the reply's first character, and a reply the model generated token by token may tokenize differently as text.
/// Either way the engine's cache, which holds the tokens as they were, stops matching at the seam and everything
/// after it is evaluated again. Continuing the recorded tokens instead keeps the whole shared prefix reusable.
///
/// A continuation is used only when it spells exactly the prompt's text (the new part's tokens are checked to
/// render back to its bytes); otherwise the prompt is tokenized as usual.
final class PromptContinuations: Sendable {
    /// One recorded sequence: its text as bytes, its tokens, and where each token's bytes end.
    struct Entry: Sendable {
        var bytes: [UInt8]
        var tokens: [Token]
        var ends: [Int]
    }

    private let entries = Mutex<[Entry]>([])
    private let capacity: Int
    /// Shared prefixes shorter than this are not worth the bookkeeping.
    private let minimumBytes = 32

    init(capacity: Int = 16) {
        self.capacity = capacity
    }

    /// The tokens for `text`: a recorded sequence's tokens up to where it and `text` part, then the rest tokenized;
    /// `nil` when nothing recorded shares enough of `text` or the seam does not render back exactly.
    func tokens(for text: String, tokenizer: Tokenizer) -> [Token]? {
        let bytes = Array(text.utf8)
        let best = entries.withLock { entries -> (Entry, Int)? in
            var best: (Entry, Int)?
            for entry in entries {
                let shared = Self.commonPrefix(entry.bytes, bytes)
                if shared >= minimumBytes, shared > best?.1 ?? 0 { best = (entry, shared) }
            }
            return best
        }
        guard let (entry, shared) = best else { return nil }
        // Whole tokens only: the longest run of recorded tokens whose bytes all lie in the shared prefix.
        var kept = 0
        while kept < entry.ends.count && entry.ends[kept] <= shared { kept += 1 }
        guard kept > 0 else { return nil }
        let start = entry.ends[kept - 1]
        guard start < bytes.count else { return Array(entry.tokens[..<kept]) }
        let rest = Array(bytes[start...])
        guard let restText = String(validating: rest, as: UTF8.self) else { return nil }
        let restTokens = tokenizer.tokenize(restText, addSpecial: false, parseSpecial: true)
        guard restTokens.flatMap({ tokenizer.pieceBytes($0, renderSpecial: true) }) == rest else { return nil }
        return Array(entry.tokens[..<kept]) + restTokens
    }

    /// Records a prompt and what was generated after it. Tokens whose bytes cannot be placed in the text (a
    /// leading BOS added by the tokenizer has none and is kept; an end-of-turn or unrendered special token in the
    /// reply ends the record) keep the record exact.
    func record(
        prompt text: String, tokens: [Token], generated: [GeneratedToken], tokenizer: Tokenizer
    ) {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        var recorded: [Token] = []
        let promptBytes = Array(text.utf8)
        // A prompt that continues a recorded one shares its leading tokens: take their bytes from the record rather
        // than rendering every token again (prompts run to thousands of tokens).
        let shared = entries.withLock { entries -> (Entry, Int)? in
            var best: (Entry, Int)?
            for entry in entries {
                var count = 0
                let limit = min(entry.tokens.count, tokens.count)
                while count < limit && entry.tokens[count] == tokens[count] { count += 1 }
                if count > best?.1 ?? 0 { best = (entry, count) }
            }
            return best
        }
        var start = 0
        if let (entry, count) = shared {
            bytes = Array(entry.bytes[..<entry.ends[count - 1]])
            ends = Array(entry.ends[..<count])
            recorded = Array(tokens[..<count])
            start = count
        }
        for (index, token) in tokens.enumerated().dropFirst(start) {
            let piece = index == 0 && token == tokenizer.bos && !text.utf8.starts(with: tokenizer.pieceBytes(token, renderSpecial: true))
                ? [] : tokenizer.pieceBytes(token, renderSpecial: true)
            bytes += piece
            ends.append(bytes.count)
            recorded.append(token)
        }
        guard bytes == promptBytes else { return }
        for token in generated {
            guard !token.bytes.isEmpty else { break }
            bytes += token.bytes
            ends.append(bytes.count)
            recorded.append(token.id)
        }
        let entry = Entry(bytes: bytes, tokens: recorded, ends: ends)
        entries.withLock { entries in
            // A record that only extends an older one replaces it.
            entries.removeAll { Self.commonPrefix($0.bytes, bytes) == $0.bytes.count }
            entries.append(entry)
            if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
        }
    }

    static func commonPrefix(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var count = 0
        let limit = min(a.count, b.count)
        while count < limit && a[count] == b[count] { count += 1 }
        return count
    }
}
