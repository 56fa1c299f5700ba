import AsyncHTTPClient
import EmergentCore
import Foundation

/// Searches a Brave-style keyed web-search API: `GET {endpoint}?q=…&count=…&freshness=…` with the key in the
/// `X-Subscription-Token` header; results are read from `web.results[]` (`title`, `url`, `description`, `age`).
public struct BraveSearchProvider: SearchProvider {
    public let name = "brave"
    /// The default Brave endpoint.
    public static let defaultEndpoint = URL(string: "https://api.search.brave.com/res/v1/web/search")
    public var endpoint: URL
    public var apiKey: String
    public var timeout: Duration
    private let client: HTTPClient

    public init(endpoint: URL, apiKey: String, client: HTTPClient, timeout: Duration = .seconds(15)) {
        self.endpoint = endpoint
        self.apiKey = apiKey
        self.client = client
        self.timeout = timeout
    }

    /// Brave's `freshness` for a recency in days: `pd`, `pw`, `pm`, `py`, or an explicit `FROMtoTO` date range.
    public static func freshness(days: Int, now: Date = Date()) -> String {
        switch days {
        case ...1: return "pd"
        case 7: return "pw"
        case 31: return "pm"
        case 365: return "py"
        default:
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd"
            let from = now.addingTimeInterval(-Double(days) * 86_400)
            return "\(formatter.string(from: from))to\(formatter.string(from: now))"
        }
    }

    public func search(_ query: String, recencyDays: Int?, limit: Int) async throws(BrowserError) -> [SearchHit] {
        guard !apiKey.isEmpty else {
            throw .configuration("the brave search provider needs an API key (browser.search.api_key)")
        }
        var items = [("q", query), ("count", String(min(max(limit, 1), 20)))]
        if let recencyDays { items.append(("freshness", Self.freshness(days: recencyDays))) }
        let url = try SearchHTTP.url(endpoint, path: nil, query: items)
        let json = try await SearchHTTP.getJSON(
            client: client, url: url, headers: [("X-Subscription-Token", apiKey)], provider: name, timeout: timeout)
        guard let object = json.objectValue else { throw .badSearchResponse(provider: name, detail: "not an object") }
        let results = object["web"]?["results"]?.arrayValue ?? []
        return results.prefix(limit).compactMap { result in
            guard let url = result["url"]?.stringValue else { return nil }
            return SearchHit(
                title: Self.stripTags(result["title"]?.stringValue ?? url), url: url,
                snippet: Self.stripTags(result["description"]?.stringValue ?? ""), published: result["age"]?.stringValue
            )
        }
    }

    /// Brave marks matches with `<strong>`; the model needs plain text.
    static func stripTags(_ text: String) -> String {
        var output = ""
        var inTag = false
        for character in text {
            if character == "<" {
                inTag = true
            } else if character == ">" {
                inTag = false
            } else if !inTag {
                output.append(character)
            }
        }
        return output.replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">")
    }
}
