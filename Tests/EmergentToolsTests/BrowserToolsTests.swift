import EmergentCore
import EmergentTools
import Foundation
import Testing

@Suite("Browser tools: local search, open, find, conversation state")
struct BrowserToolsTests {
    static func provider() async throws -> BrowserProvider {
        let local = try await LocalSearchProvider.open(folder: TestSupport.site)
        return BrowserProvider(searchProvider: local, settings: BrowserSettings(maxPageCharacters: 4_000))
    }

    static func tool(_ name: String, in provider: BrowserProvider) async throws -> any Tool {
        try #require(try await provider.tools().first { $0.spec.name == name })
    }

    @Test("the provider offers browser_search, browser_open and browser_find")
    func toolNames() async throws {
        let provider = try await Self.provider()
        #expect(try await provider.tools().map(\.spec.name) == ["browser_search", "browser_open", "browser_find"])
        await provider.shutdown()
    }

    @Test("search, open by id and find quote the GDP table's 2020 row with a citation")
    func searchOpenFind() async throws {
        let provider = try await Self.provider()
        let sources = SourceRegistry()
        let context = TestSupport.context(sources: sources)
        let search = try await Self.tool("browser_search", in: provider)
        let results = try await search.call(["query": "world GDP trillion"], context: context)
        let first = try #require(results.citations.first)
        #expect(first.title == "World GDP 2014–2023")
        #expect(first.url.hasPrefix("file://") && first.url.hasSuffix("world-gdp.html"))
        #expect(results.text.contains("【\(first.id)†World GDP 2014–2023】 \(first.url)"))

        let open = try await Self.tool("browser_open", in: provider)
        let page = try await open.call(["targets": [.string(first.id)]], context: context)
        #expect(!page.isError)
        #expect(page.text.hasPrefix("【\(first.id)†World GDP 2014–2023】"))
        #expect(page.text.contains("| 2015 | 75.2 |"))

        let find = try await Self.tool("browser_find", in: provider)
        let quote = try await find.call(["pattern": "2020"], context: context)
        #expect(quote.text.contains("> | 2019 | 87.7 |\n> | 2020 | 85.3 |\n> | 2021 | 97.5 |"))
        #expect(quote.citations.first?.quote == "| 2020 | 85.3 |")
        #expect(quote.citations.first?.id == first.id)
        #expect(quote.citations.contains { $0.quote?.contains("in 2020, during the COVID-19 pandemic") == true })
        await provider.shutdown()
    }

    @Test("find falls back to all words, and says so when nothing matches")
    func findFallback() async throws {
        let provider = try await Self.provider()
        let context = TestSupport.context()
        let path = TestSupport.site.appendingPathComponent("sourdough.html").standardizedFileURL
        _ = try await provider.browser.open([URL(fileURLWithPath: path.path).absoluteString], context: context)
        let hit = try await provider.browser.find("bake pot", sourceID: nil, context: context)
        #expect(
            hit.citations.first?.quote
                == "3. Bake at 250 °C in a covered pot for 20 minutes, then 20 minutes uncovered.")
        let miss = try await provider.browser.find("croissant", sourceID: nil, context: context)
        #expect(miss.citations.isEmpty)
        #expect(miss.text.contains("No passage of"))
        await provider.shutdown()
    }

    @Test("find without an open page asks to open one; endConversation forgets pages")
    func conversationState() async throws {
        let provider = try await Self.provider()
        let context = TestSupport.context("conversation-x")
        await #expect(throws: ToolError.self) {
            _ = try await provider.browser.find("GDP", sourceID: nil, context: context)
        }
        let url = URL(
            fileURLWithPath: TestSupport.site.appendingPathComponent("world-gdp.html").standardizedFileURL.path)
        _ = try await provider.browser.open([url.absoluteString], context: context)
        #expect(await provider.browser.sessions.conversationCount == 1)
        _ = try await provider.browser.find("GDP", sourceID: nil, context: context)
        await provider.endConversation("conversation-x")
        #expect(await provider.browser.sessions.conversationCount == 0)
        await #expect(throws: ToolError.self) {
            _ = try await provider.browser.find("GDP", sourceID: nil, context: context)
        }
        await provider.shutdown()
    }

    @Test("file: URLs that the local index did not return are refused")
    func fileSchemeRefused() async throws {
        let provider = try await Self.provider()
        let output = try await provider.browser.open(["file:///etc/passwd"], context: TestSupport.context())
        #expect(output.isError)
        #expect(output.text.contains("the file: scheme is not allowed"))
        await provider.shutdown()
    }
}
