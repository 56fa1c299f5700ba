import EmergentCore
import EmergentEngine
import EmergentTools
import Foundation
import Testing

@Suite("Knowledge base with real embeddings from the default model")
struct KnowledgeEmbeddingTests {
    static var modelPath: String { EmergentPaths().defaultModel.path }

    /// One model and embedding context for all cases.
    static let embedder = Task<EnginePassageEmbedder, any Error> {
        let model = try await Model.load(from: modelPath)
        return EnginePassageEmbedder(embedder: try await Embedder(model: model, contextLength: 512))
    }

    @Test(
        "fusing BM25 with embeddings keeps the right passage first",
        .enabled(if: FileManager.default.fileExists(atPath: EmergentPaths().defaultModel.path)),
        arguments: [
            ("inverter error code 567", "solar-panels.md", "Fronius Primo"),
            ("carry over unused vacation days", "vacation-policy.txt", "first quarter"),
            ("guest wifi password", "office.html", "Harbour-Guest"),
        ])
    func fusedRanking(query: String, file: String, phrase: String) async throws {
        let embedder = try await Self.embedder.value
        let base = try KnowledgeBase(embedder: embedder)
        let files = ["solar-panels.md", "vacation-policy.txt", "office.html"].map {
            TestSupport.knowledge.appendingPathComponent($0)
        }
        let report = try await base.index(files: files)
        #expect(report.failed.isEmpty)
        let passages = try await base.search(query, limit: 3)
        let first = try #require(passages.first)
        #expect(first.file == file)
        #expect(first.text.contains(phrase))
        // Both rankings contributed: the top score is more than one list's best (1/61).
        #expect(first.score > 1.0 / 61)
        // Embedding vectors were stored, so an unchanged reindex embeds nothing.
        #expect(try await base.index(files: files).unchanged.count == 3)
    }
}
