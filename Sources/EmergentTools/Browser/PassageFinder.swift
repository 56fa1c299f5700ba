import Foundation

/// Finds the passages of a text that contain a pattern, with surrounding lines for context.
public enum PassageFinder {
    /// One quoted passage.
    public struct Passage: Sendable, Hashable {
        /// The line that matched.
        public var line: String
        /// The matched line with up to `context` non-empty lines before and after.
        public var excerpt: String
    }

    /// Passages whose line contains `pattern`, compared case- and diacritic-insensitively, in order, at most
    /// `limit`. When no line contains the whole pattern, lines that contain every one of its words match instead.
    /// Overlapping contexts are merged into one passage.
    public static func find(_ pattern: String, in text: String, limit: Int, context: Int = 1) -> [Passage] {
        let needle = pattern.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !needle.isEmpty, limit > 0 else { return [] }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        var hits = lines.indices.filter { contains(lines[$0], needle) }
        if hits.isEmpty {
            let words = needle.split(whereSeparator: { $0.isWhitespace }).map(String.init)
            if words.count > 1 {
                hits = lines.indices.filter { index in words.allSatisfy { contains(lines[index], $0) } }
            }
        }
        var passages: [Passage] = []
        var coveredUntil = -1
        for index in hits {
            if passages.count >= limit { break }
            if index <= coveredUntil { continue }
            let start = max(0, index - context, coveredUntil + 1)
            let end = min(lines.count - 1, index + context)
            passages.append(Passage(line: lines[index], excerpt: lines[start...end].joined(separator: "\n")))
            coveredUntil = end
        }
        return passages
    }

    static func contains(_ line: String, _ needle: String) -> Bool {
        line.range(of: needle, options: [.caseInsensitive, .diacriticInsensitive]) != nil
    }
}
