import AsyncHTTPClient
import EmergentCore
import Foundation

/// Searches a SearXNG instance through its JSON API: `GET {base}/search?q=…&format=json`, with `time_range`
/// (`day`, `week`, `month`, `year`) from the recency in days. The instance must have the `json` format enabled.
public struct SearXNGProvider: SearchProvider {
    public let name = "searxng"
    public var baseURL: URL
    public var timeout: Duration
    private let client: HTTPClient

    public init(baseURL: URL, client: HTTPClient, timeout: Duration = .seconds(15)) {
        self.baseURL = baseURL
        self.client = client
        self.timeout = timeout
    }

    /// SearXNG's `time_range` for a recency in days: the smallest range that covers it.
    public static func timeRange(days: Int) -> String {
        switch days {
        case ...1: "day"
        case ...7: "week"
        case ...31: "month"
        default: "year"
        }
    }

    public func search(_ query: String, recencyDays: Int?, limit: Int) async throws(BrowserError) -> [SearchHit] {
        var items = [("q", query), ("format", "json")]
        if let recencyDays { items.append(("time_range", Self.timeRange(days: recencyDays))) }
        let url = try SearchHTTP.url(baseURL, path: "search", query: items)
        let json = try await SearchHTTP.getJSON(client: client, url: url, headers: [], provider: name, timeout: timeout)
        guard let results = json["results"]?.arrayValue else {
            throw .badSearchResponse(provider: name, detail: "no \"results\" array")
        }
        return results.prefix(limit).compactMap { result in
            guard let url = result["url"]?.stringValue else { return nil }
            return SearchHit(
                title: result["title"]?.stringValue ?? url, url: url, snippet: result["content"]?.stringValue ?? "",
                published: result["publishedDate"]?.stringValue)
        }
    }
}
