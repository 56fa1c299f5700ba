import Foundation

/// One search result.
public struct SearchHit: Sendable, Hashable {
    public var title: String
    public var url: String
    public var snippet: String
    /// When the page was published, as the provider reported it (free text), if known.
    public var published: String?

    public init(title: String, url: String, snippet: String, published: String? = nil) {
        self.title = title
        self.url = url
        self.snippet = snippet
        self.published = published
    }
}

/// A web (or local) search engine the browser queries.
///
/// Providers are configured by the operator, so their own endpoints are trusted: a SearXNG on localhost is
/// reached without the ``NetworkPolicy``. Pages they return are fetched through the policy like any other.
public protocol SearchProvider: Sendable {
    /// A short name for messages and logs (`searxng`, `brave`, `local`).
    var name: String { get }
    /// Up to `limit` results for `query`, restricted to the last `recencyDays` days when given.
    func search(_ query: String, recencyDays: Int?, limit: Int) async throws(BrowserError) -> [SearchHit]
    /// The document behind `url` when this provider serves it itself (local files); nil for web providers.
    func localDocument(for url: String) async throws(BrowserError) -> ReadableDocument?
}

extension SearchProvider {
    public func localDocument(for url: String) async throws(BrowserError) -> ReadableDocument? { nil }
}
