import AsyncHTTPClient
import EmergentTools
import Foundation
import Testing

@Suite("Web search providers against a loopback fake")
struct WebSearchProviderTests {
    static let searxngJSON = """
        {"query": "world gdp", "number_of_results": 2, "results": [
          {"url": "https://example.org/gdp", "title": "World GDP", "content": "GDP in trillions", "engine": "x",
           "publishedDate": "2024-01-02T00:00:00"},
          {"url": "https://example.org/pop", "title": "Population", "content": "People"}
        ]}
        """
    static let braveJSON = """
        {"type": "search", "query": {"original": "world gdp"}, "web": {"type": "search", "results": [
          {"title": "World GDP &amp; growth", "url": "https://example.com/gdp",
           "description": "The <strong>world</strong> economy", "age": "2 days ago"}
        ]}}
        """

    @Test("SearXNG: q, format=json and time_range are sent; results are parsed")
    func searxng() async throws {
        let server = try await FixtureServer.start { _ in .body(Self.searxngJSON, contentType: "application/json") }
        try await TestSupport.withClient(HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)) { client in
            let provider = SearXNGProvider(baseURL: try #require(URL(string: server.baseURL)), client: client)
            let hits = try await provider.search("world gdp+growth", recencyDays: 30, limit: 5)
            #expect(hits.map(\.url) == ["https://example.org/gdp", "https://example.org/pop"])
            #expect(hits.first?.snippet == "GDP in trillions")
            #expect(hits.first?.published == "2024-01-02T00:00:00")
            let request = try #require(server.requests.first)
            #expect(request.path == "/search")
            #expect(request.query("q") == "world gdp+growth")
            #expect(request.query("format") == "json")
            #expect(request.query("time_range") == "month")
        }
        await server.stop()
    }

    @Test(
        "SearXNG time ranges cover the requested days",
        arguments: [(1, "day"), (7, "week"), (30, "month"), (200, "year")])
    func timeRanges(days: Int, range: String) {
        #expect(SearXNGProvider.timeRange(days: days) == range)
    }

    @Test("Brave: the key goes in X-Subscription-Token, freshness and count are sent, tags are stripped")
    func brave() async throws {
        let server = try await FixtureServer.start { _ in .body(Self.braveJSON, contentType: "application/json") }
        try await TestSupport.withClient(HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)) { client in
            let endpoint = try #require(URL(string: "\(server.baseURL)/res/v1/web/search"))
            let provider = BraveSearchProvider(endpoint: endpoint, apiKey: "secret-key", client: client)
            let hits = try await provider.search("world gdp", recencyDays: 7, limit: 4)
            #expect(
                hits == [
                    SearchHit(
                        title: "World GDP & growth", url: "https://example.com/gdp", snippet: "The world economy",
                        published: "2 days ago")
                ])
            let request = try #require(server.requests.first)
            #expect(request.path == "/res/v1/web/search")
            #expect(request.header("X-Subscription-Token") == "secret-key")
            #expect(request.query("q") == "world gdp")
            #expect(request.query("count") == "4")
            #expect(request.query("freshness") == "pw")
        }
        await server.stop()
    }

    @Test("Brave: a rejected key is reported as such, and a missing key before any request")
    func braveErrors() async throws {
        let server = try await FixtureServer.start { _ in .status(401) }
        try await TestSupport.withClient(HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)) { client in
            let endpoint = try #require(URL(string: "\(server.baseURL)/search"))
            await #expect(
                throws: BrowserError.badSearchResponse(provider: "brave", detail: "HTTP 401 (check the API key)")
            ) {
                _ = try await BraveSearchProvider(endpoint: endpoint, apiKey: "bad", client: client)
                    .search("x", recencyDays: nil, limit: 3)
            }
            await #expect(throws: BrowserError.self) {
                _ = try await BraveSearchProvider(endpoint: endpoint, apiKey: "", client: client)
                    .search("x", recencyDays: nil, limit: 3)
            }
            #expect(server.requests.count == 1)
        }
        await server.stop()
    }

    @Test("Brave freshness: named periods, else an explicit date range")
    func freshness() throws {
        #expect(BraveSearchProvider.freshness(days: 1) == "pd")
        #expect(BraveSearchProvider.freshness(days: 365) == "py")
        let now = try #require(ISO8601DateFormatter().date(from: "2024-03-10T12:00:00Z"))
        #expect(BraveSearchProvider.freshness(days: 10, now: now) == "2024-02-29to2024-03-10")
    }
}

@Suite("Search provider settings")
struct SearchProviderSettingsTests {
    @Test("settings build the named provider, reading the key from the environment")
    func building() async throws {
        try await TestSupport.withClient(HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)) { client in
            let searx = try await SearchProviderSettings(provider: .searxng, url: "http://localhost:8888").makeProvider(
                client: client)
            #expect(searx.name == "searxng")
            let brave = try await SearchProviderSettings(provider: .brave, apiKeyEnvironment: "TEST_KEY")
                .makeProvider(client: client, environment: ["TEST_KEY": "k"])
            #expect((brave as? BraveSearchProvider)?.apiKey == "k")
            #expect((brave as? BraveSearchProvider)?.endpoint == BraveSearchProvider.defaultEndpoint)
            let local = try await SearchProviderSettings(provider: .local, folder: "site")
                .makeProvider(client: client, relativeTo: TestSupport.fixtures)
            #expect(try await local.search("GDP", recencyDays: nil, limit: 1).first?.title == "World GDP 2014–2023")
            await #expect(
                throws: BrowserError.configuration(
                    "the brave provider needs an API key: set the environment variable MISSING")
            ) {
                _ = try await SearchProviderSettings(provider: .brave, apiKeyEnvironment: "MISSING")
                    .makeProvider(client: client, environment: [:])
            }
            await #expect(throws: BrowserError.self) {
                _ = try await SearchProviderSettings(provider: .searxng).makeProvider(client: client)
            }
        }
    }
}
