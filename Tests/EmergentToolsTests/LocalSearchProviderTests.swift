import EmergentTools
import Foundation
import Testing

@Suite("Local search provider (SQLite FTS5, BM25)")
struct LocalSearchProviderTests {
    @Test(
        "BM25 ranks the page about the query first",
        arguments: [
            ("world GDP trillion", "world-gdp.html"), ("population billion", "world-population.html"),
            ("sourdough starter flour", "sourdough.html"), ("exchange rate inflation", "economy-glossary.md"),
        ])
    func ranking(query: String, expected: String) async throws {
        let provider = try await LocalSearchProvider.open(folder: TestSupport.site)
        let hits = try await provider.search(query, recencyDays: nil, limit: 5)
        #expect(hits.first?.url.hasSuffix(expected) == true, "\(hits.map(\.url))")
    }

    @Test("results use the base URL when set, and open from disk without network")
    func baseURL() async throws {
        let base = try #require(URL(string: "https://docs.example.org/site"))
        let provider = try await LocalSearchProvider.open(folder: TestSupport.site, baseURL: base)
        let hits = try await provider.search("glossary recession", recencyDays: nil, limit: 3)
        let first = try #require(hits.first)
        #expect(first.url == "https://docs.example.org/site/economy-glossary.md")
        #expect(first.title == "Economy glossary")
        let document = try #require(try await provider.localDocument(for: first.url))
        #expect(document.body.contains("**Recession**"))
        #expect(try await provider.localDocument(for: "https://docs.example.org/site/none.html") == nil)
    }

    @Test("punctuation in queries cannot break the FTS5 syntax, and an empty query finds nothing")
    func oddQueries() async throws {
        let provider = try await LocalSearchProvider.open(folder: TestSupport.site)
        let hits = try await provider.search("\"GDP\" AND (2020) OR -NEAR*", recencyDays: nil, limit: 5)
        #expect(hits.first?.url.hasSuffix("world-gdp.html") == true)
        #expect(try await provider.search("?!", recencyDays: nil, limit: 5).isEmpty)
    }

    @Test("recency filters by file modification time")
    func recency() async throws {
        let folder = try TestSupport.temporaryFolder()
        let old = folder.appendingPathComponent("old.md")
        try "# Old\nharbour report".write(to: old, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -90 * 86_400)], ofItemAtPath: old.path)
        try "# New\nharbour news".write(to: folder.appendingPathComponent("new.md"), atomically: true, encoding: .utf8)
        let provider = try await LocalSearchProvider.open(folder: folder)
        #expect(try await provider.search("harbour", recencyDays: nil, limit: 5).count == 2)
        #expect(try await provider.search("harbour", recencyDays: 30, limit: 5).map(\.title) == ["New"])
    }
}
