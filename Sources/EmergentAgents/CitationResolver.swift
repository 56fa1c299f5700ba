import EmergentTools
import Foundation

/// Finds the `【id†title】` marks in an answer and resolves them against the conversation's sources.
enum CitationResolver {
    /// The cited sources in order of first mention; marks whose id is unknown are left out.
    static func resolve(_ answer: String, sources: SourceRegistry, quotes: [String: String]) async -> [Citation] {
        var seen: Set<String> = []
        var citations: [Citation] = []
        for id in citedIDs(in: answer) where !seen.contains(id) {
            seen.insert(id)
            guard let source = await sources.source(id: id) else { continue }
            citations.append(Citation(id: id, title: source.title, url: source.url, quote: quotes[id]))
        }
        return citations
    }

    /// The ids inside `【…】` marks: the text before `†`, or the whole mark when it has none.
    static func citedIDs(in text: String) -> [String] {
        var ids: [String] = []
        var rest = text[...]
        while let open = rest.firstIndex(of: "【") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "】") else { break }
            let inside = after[..<close]
            let id = inside.split(separator: "†", maxSplits: 1, omittingEmptySubsequences: false).first ?? inside
            let trimmed = id.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty { ids.append(trimmed) }
            rest = after[after.index(after: close)...]
        }
        return ids
    }
}
