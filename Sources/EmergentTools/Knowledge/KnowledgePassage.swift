import Foundation

/// A passage the knowledge base returned for a query.
public struct KnowledgePassage: Sendable, Hashable {
    /// The attached file's name.
    public var file: String
    /// The passage's position in the file, from 0.
    public var ordinal: Int
    /// The closest heading above the passage (may be empty).
    public var heading: String
    public var text: String
    /// The fused score (reciprocal rank fusion of BM25 and, with an embedder, cosine similarity).
    public var score: Double

    public init(file: String, ordinal: Int, heading: String, text: String, score: Double) {
        self.file = file
        self.ordinal = ordinal
        self.heading = heading
        self.text = text
        self.score = score
    }

    /// `knowledge://<file name>#<chunk>`, the citation URL.
    public var url: String {
        let name = file.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? file
        return "knowledge://\(name)#\(ordinal)"
    }

    /// The file name, and the heading when there is one: `report.md — Revenue`.
    public var title: String { heading.isEmpty ? file : "\(file) — \(heading)" }
}
