import Foundation

/// Splits a document into passages for retrieval: by headings and paragraphs, about ``targetLength``
/// characters each, with the end of one passage repeated at the start of the next (``overlap`` characters at
/// most) so that a sentence cut at a boundary is still found whole in one of them.
public struct TextChunker: Sendable {
    /// One passage.
    public struct Chunk: Sendable, Hashable {
        /// Position in the document, from 0.
        public var ordinal: Int
        /// The closest `#` heading above the passage, without the `#`s; empty before the first heading.
        public var heading: String
        public var text: String
    }

    public var targetLength: Int
    public var overlap: Int

    public init(targetLength: Int = 800, overlap: Int = 150) {
        self.targetLength = max(100, targetLength)
        self.overlap = max(0, min(overlap, targetLength / 2))
    }

    public func chunks(of text: String) -> [Chunk] {
        var chunks: [Chunk] = []
        var heading = ""
        var current: [String] = []
        var currentLength = 0
        var carried = false  // `current` starts with overlap from the previous chunk only

        func emit() {
            guard !current.isEmpty, !carried else { return }
            chunks.append(Chunk(ordinal: chunks.count, heading: heading, text: current.joined(separator: "\n\n")))
        }
        func startNext(withOverlapFrom last: String?) {
            current = []
            currentLength = 0
            carried = false
            guard let last, overlap > 0 else { return }
            let tail = Self.tail(of: last, maxLength: overlap)
            if !tail.isEmpty {
                current = [tail]
                currentLength = tail.count
                carried = true
            }
        }

        for block in Self.blocks(of: text) {
            if let title = Self.headingText(block) {
                emit()
                heading = title
                startNext(withOverlapFrom: nil)
                continue
            }
            for piece in split(block) {
                if currentLength > 0 && currentLength + 2 + piece.count > targetLength {
                    emit()
                    startNext(withOverlapFrom: current.last)
                }
                current.append(piece)
                currentLength += (currentLength > 0 ? 2 : 0) + piece.count
                carried = false
            }
        }
        emit()
        return chunks
    }

    /// Paragraphs: runs of non-blank lines; a heading line is a block of its own.
    static func blocks(of text: String) -> [String] {
        var blocks: [String] = []
        var lines: [Substring] = []
        func flush() {
            let block = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            if !block.isEmpty { blocks.append(block) }
            lines = []
        }
        for line in text.replacingOccurrences(of: "\r\n", with: "\n").split(
            separator: "\n", omittingEmptySubsequences: false)
        {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                flush()
            } else if headingText(trimmed) != nil {
                flush()
                blocks.append(trimmed)
            } else {
                lines.append(line)
            }
        }
        flush()
        return blocks
    }

    /// `## Title` → `Title`; nil for other lines.
    static func headingText(_ block: String) -> String? {
        guard block.hasPrefix("#"), !block.contains("\n") else { return nil }
        let hashes = block.prefix { $0 == "#" }.count
        guard hashes <= 6 else { return nil }
        let rest = block.dropFirst(hashes)
        guard rest.first == " " else { return nil }
        let title = rest.trimmingCharacters(in: .whitespaces)
        return title.isEmpty ? nil : title
    }

    /// A block longer than the target, cut at sentence ends (or spaces) into pieces that fit.
    func split(_ block: String) -> [String] {
        guard block.count > targetLength else { return [block] }
        var pieces: [String] = []
        var rest = Substring(block)
        while rest.count > targetLength {
            let window = rest.prefix(targetLength)
            var cut = window.endIndex
            if let sentence = window.lastIndex(where: { ".!?。\n".contains($0) }),
                window.distance(from: window.startIndex, to: sentence) > targetLength / 2
            {
                cut = window.index(after: sentence)
            } else if let space = window.lastIndex(where: { $0.isWhitespace }),
                window.distance(from: window.startIndex, to: space) > targetLength / 2
            {
                cut = space
            }
            pieces.append(rest[..<cut].trimmingCharacters(in: .whitespacesAndNewlines))
            rest = rest[cut...].drop { $0.isWhitespace }
        }
        if !rest.isEmpty { pieces.append(String(rest)) }
        return pieces.filter { !$0.isEmpty }
    }

    /// The last words of `text`, at most `maxLength` characters, starting at a word (or sentence) boundary.
    static func tail(of text: String, maxLength: Int) -> String {
        guard text.count > maxLength else { return text }
        let suffix = text.suffix(maxLength)
        if let sentence = suffix.firstIndex(where: { ".!?".contains($0) }),
            suffix.index(after: sentence) < suffix.endIndex
        {
            let after = suffix[suffix.index(after: sentence)...].trimmingCharacters(in: .whitespaces)
            if after.count > maxLength / 3 { return after }
        }
        guard let space = suffix.firstIndex(where: { $0.isWhitespace }) else { return String(suffix) }
        return suffix[space...].trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
