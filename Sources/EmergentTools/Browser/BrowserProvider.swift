import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// Offers the browser as three tools, `browser_search`, `browser_open` and `browser_find`, sharing one
/// ``Browser`` whose per-conversation state (open pages, last results) is dropped by ``endConversation(_:)``.
public final class BrowserProvider: ToolProvider {
    public let browser: Browser
    private let client: HTTPClient

    /// A browser over `searchProvider`. Pages are fetched with an HTTP client of the browser's own (made by
    /// ``makeClient(settings:)``, so redirects are never followed behind the SSRF guard's back), which
    /// ``shutdown()`` closes; the search provider's client belongs to whoever made it.
    public init(
        searchProvider: any SearchProvider, settings: BrowserSettings = BrowserSettings(),
        logger: Logger = Logger(label: "emergent.browser")
    ) {
        let client = Self.makeClient(settings: settings)
        self.client = client
        self.browser = Browser(searchProvider: searchProvider, settings: settings, client: client, logger: logger)
    }

    /// An HTTP client suited to the browser: no automatic redirects (the fetcher checks each hop itself) and
    /// connect/read timeouts from the settings.
    public static func makeClient(settings: BrowserSettings = BrowserSettings()) -> HTTPClient {
        let seconds = Int64(settings.requestTimeout.components.seconds)
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(min(seconds, 10)), read: .seconds(seconds))
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    public func tools() async throws -> [any Tool] {
        [BrowserSearchTool(browser: browser), BrowserOpenTool(browser: browser), BrowserFindTool(browser: browser)]
    }

    public func endConversation(_ conversationID: String) async {
        await browser.sessions.end(conversationID)
    }

    public func shutdown() async {
        try? await client.shutdown()
    }
}
