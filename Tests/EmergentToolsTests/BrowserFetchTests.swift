import AsyncHTTPClient
import EmergentTools
import Foundation
import Logging
import Testing

@Suite("Browser fetching: SSRF guard over real HTTP, size caps, content types")
struct BrowserFetchTests {
    static func withServer<T>(
        _ route: @escaping @Sendable (FixtureServer.Request) -> FixtureServer.Reply,
        _ body: (FixtureServer) async throws -> T
    ) async throws -> T {
        let server = try await FixtureServer.start(route)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    static func withBrowser<T>(
        allowing hosts: [String], maxPageBytes: Int = 2_000_000, _ body: (Browser) async throws -> T
    ) async throws -> T {
        let provider = BrowserProvider(
            searchProvider: StaticSearchProvider(),
            settings: BrowserSettings(allowedHosts: hosts, maxPageBytes: maxPageBytes, maxPageCharacters: 4_000))
        do {
            let result = try await body(provider.browser)
            await provider.shutdown()
            return result
        } catch {
            await provider.shutdown()
            throw error
        }
    }

    @Test("loopback is refused when not allowed, and the server never sees a request")
    func loopbackRefused() async throws {
        try await Self.withServer({ _ in .body("<p>secret</p>", contentType: "text/html") }) { server in
            try await Self.withBrowser(allowing: []) { browser in
                let output = try await browser.open(["\(server.baseURL)/admin"], context: TestSupport.context())
                #expect(output.isError)
                #expect(output.text.contains("loopback"))
                #expect(output.text.contains("allow"))
                #expect(!output.text.contains("secret"))
            }
            #expect(server.requests.isEmpty)
        }
    }

    @Test("an allowed loopback host:port is fetched and cited")
    func allowedLoopback() async throws {
        try await Self.withServer({ request in FixtureServer.fileReply(folder: TestSupport.site, path: request.path) })
        {
            server in
            try await Self.withBrowser(allowing: ["127.0.0.1:\(server.port)"]) { browser in
                let sources = SourceRegistry()
                let output = try await browser.open(
                    ["\(server.baseURL)/world-gdp.html"], context: TestSupport.context(sources: sources))
                #expect(!output.isError)
                #expect(output.text.hasPrefix("【0†World GDP 2014–2023】 \(server.baseURL)/world-gdp.html"))
                #expect(output.text.contains("| 2020 | 85.3 |"))
                #expect(output.citations.map(\.id) == ["0"])
                #expect(await sources.source(id: "0")?.title == "World GDP 2014–2023")
            }
        }
    }

    @Test("a redirect from an allowed port to a loopback port that is not allowed is refused")
    func redirectToLoopbackRefused() async throws {
        try await Self.withServer({ _ in .body("internal admin page", contentType: "text/plain") }) { inner in
            try await Self.withServer({ _ in .redirect("\(inner.baseURL)/admin", status: 302) }) { outer in
                let policy = NetworkPolicy(allowedHosts: ["127.0.0.1:\(outer.port)"])
                try await TestSupport.withBrowserClient { client in
                    let fetcher = PageFetcher(client: client, policy: policy, logger: Logger(label: "test"))
                    await #expect {
                        _ = try await fetcher.fetch(try #require(URL(string: "\(outer.baseURL)/start")))
                    } throws: { error in
                        guard case BrowserError.addressBlocked(let url, _, let reason) = error else { return false }
                        return url == "\(inner.baseURL)/admin" && reason == "loopback"
                    }
                }
                #expect(outer.requests.count == 1)
                #expect(inner.requests.isEmpty)
            }
        }
    }

    @Test("redirects between allowed hosts are followed, each hop counted, up to the limit")
    func redirectLimit() async throws {
        try await Self.withServer({ request in
            switch request.path {
            case "/final": .body("arrived", contentType: "text/plain")
            case "/loop": .redirect("/loop", status: 301)
            default: .redirect("/final", status: 307)
            }
        }) { server in
            try await TestSupport.withBrowserClient { client in
                let fetcher = PageFetcher(
                    client: client, policy: NetworkPolicy(allowedHosts: ["127.0.0.1:\(server.port)"]), maxRedirects: 3,
                    logger: Logger(label: "test"))
                let resource = try await fetcher.fetch(try #require(URL(string: "\(server.baseURL)/start")))
                #expect(resource.url.path == "/final")
                #expect(String(decoding: resource.body, as: UTF8.self) == "arrived")
                await #expect(throws: BrowserError.tooManyRedirects(url: "\(server.baseURL)/loop", limit: 3)) {
                    _ = try await fetcher.fetch(try #require(URL(string: "\(server.baseURL)/loop")))
                }
            }
            #expect(server.requests.filter { $0.path == "/loop" }.count == 4)
        }
    }

    @Test("private and metadata addresses are refused through the open tool")
    func privateAddresses() async throws {
        try await Self.withBrowser(allowing: []) { browser in
            let output = try await browser.open(
                ["http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/"], context: TestSupport.context())
            #expect(output.isError)
            #expect(output.text.contains("10.0.0.1, a private address"))
            #expect(output.text.contains("169.254.169.254, a cloud-metadata address"))
        }
    }

    @Test("a page larger than the cap is cut at the cap with a clear note")
    func largePage() async throws {
        try await Self.withServer({ _ in .large(count: 3_000_000, contentType: "text/plain", filler: "lorem ipsum ") })
        {
            server in
            try await Self.withBrowser(allowing: ["127.0.0.1:\(server.port)"], maxPageBytes: 100_000) { browser in
                let output = try await browser.open(["\(server.baseURL)/big.txt"], context: TestSupport.context())
                #expect(!output.isError)
                #expect(output.text.contains("larger than the browser's 100000-byte limit and was cut there"))
                #expect(output.text.contains("[Showing the first 4000 of 100000 characters"))
                let page = try #require(await browser.sessions.page(sourceID: nil, conversationID: "c1"))
                #expect(page.document.body.utf8.count == 100_000)
            }
        }
    }

    @Test(
        "non-text types are described, not read",
        arguments: [
            ("application/pdf", "application/pdf"), ("image/png", "image/png"), ("application/zip", "application/zip"),
        ])
    func unreadableTypes(contentType: String, expected: String) async throws {
        try await Self.withServer({ _ in .bytes([0x25, 0x50, 0x44, 0x46, 0x2d, 0, 1, 2], contentType: contentType) }) {
            server in
            try await Self.withBrowser(allowing: ["127.0.0.1:\(server.port)"]) { browser in
                let output = try await browser.open(["\(server.baseURL)/file"], context: TestSupport.context())
                #expect(
                    output.text.contains(
                        "This resource is \(expected) (8 bytes), which the browser cannot read as text"))
            }
        }
    }

    @Test("JSON is pretty-printed and plain text shown as is")
    func jsonAndText() async throws {
        try await Self.withServer({ request in
            request.path == "/data.json"
                ? .body(#"{"year":2020,"gdp":85.3}"#, contentType: "application/json")
                : .body("plain words", contentType: "text/plain; charset=utf-8")
        }) { server in
            try await Self.withBrowser(allowing: ["127.0.0.1:\(server.port)"]) { browser in
                let output = try await browser.open(
                    ["\(server.baseURL)/data.json", "\(server.baseURL)/notes.txt"], context: TestSupport.context())
                #expect(output.text.contains("{\n  \"year\": 2020,\n  \"gdp\": 85.3\n}"))
                #expect(output.text.contains("plain words"))
                #expect(output.citations.count == 2)
            }
        }
    }

    @Test("HTTP errors and unknown ids are reported with what to do next")
    func errors() async throws {
        try await Self.withServer({ _ in .status(404) }) { server in
            try await Self.withBrowser(allowing: ["127.0.0.1:\(server.port)"]) { browser in
                let output = try await browser.open(
                    ["\(server.baseURL)/missing", "42"], context: TestSupport.context())
                #expect(output.isError)
                #expect(output.text.contains("answered HTTP 404; try another result"))
                #expect(output.text.contains("there is no source with id 42"))
            }
        }
    }

    @Test("a name is refused when any of its addresses is private, even if another is public")
    func mixedResolution() async throws {
        let addresses = [try #require(IPAddress(literal: "8.8.8.8")), try #require(IPAddress(literal: "10.0.0.7"))]
        let policy = NetworkPolicy(resolver: { _ in addresses })
        await #expect(
            throws: BrowserError.addressBlocked(url: "http://mixed.test/", address: "10.0.0.7", reason: "private")
        ) {
            try await policy.check(try #require(URL(string: "http://mixed.test/")))
        }
    }

    @Test("the connection goes to the address that was checked, not to a second DNS lookup")
    func pinnedConnection() async throws {
        try await Self.withServer({ request in FixtureServer.fileReply(folder: TestSupport.site, path: request.path) })
        {
            server in
            // `pinned.test` exists only in this resolver; the system resolver cannot find it, so the request can
            // only succeed if the client connects to the checked address.
            let loopback = try #require(IPAddress(literal: "127.0.0.1"))
            let policy = NetworkPolicy(allowedHosts: ["127.0.0.1:\(server.port)"], resolver: { _ in [loopback] })
            try await TestSupport.withBrowserClient { client in
                let fetcher = PageFetcher(client: client, policy: policy, logger: Logger(label: "test"))
                let url = try #require(URL(string: "http://pinned.test:\(server.port)/world-gdp.html"))
                let resource = try await fetcher.fetch(url)
                #expect(resource.mediaType == "text/html")
                #expect(server.requests.first?.header("Host") == "pinned.test:\(server.port)")
                let other = NetworkPolicy(resolver: { _ in [loopback] })
                await #expect(throws: BrowserError.self) {
                    _ = try await PageFetcher(client: client, policy: other, logger: Logger(label: "test")).fetch(url)
                }
            }
        }
    }
}
