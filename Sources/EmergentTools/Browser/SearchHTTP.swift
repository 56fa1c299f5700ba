import AsyncHTTPClient
import EmergentCore
import Foundation
import NIOCore
import NIOHTTP1

/// The GET-and-parse-JSON step the web search providers share.
enum SearchHTTP {
    static let maxBytes = 4_000_000

    static func getJSON(
        client: HTTPClient, url: URL, headers: [(String, String)], provider: String, timeout: Duration
    ) async throws(BrowserError) -> JSONValue {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let body: ByteBuffer
        let status: Int
        do {
            let response = try await client.execute(request, timeout: .init(timeout))
            status = Int(response.status.code)
            body = try await response.body.collect(upTo: maxBytes)
        } catch {
            throw .requestFailed(url: url.absoluteString, detail: PageFetcher.describe(error))
        }
        guard (200...299).contains(status) else {
            let hint = status == 401 || status == 403 ? " (check the API key)" : status == 429 ? " (rate limited)" : ""
            throw .badSearchResponse(provider: provider, detail: "HTTP \(status)\(hint)")
        }
        do {
            return try JSONParser.parse(Array(body.readableBytesView))
        } catch {
            throw .badSearchResponse(provider: provider, detail: "\(error)")
        }
    }

    /// `base` with `path` appended and `query` items set.
    static func url(_ base: URL, path: String?, query: [(String, String)]) throws(BrowserError) -> URL {
        var target = base
        if let path, !target.path.hasSuffix(path) { target = target.appendingPathComponent(path) }
        guard var components = URLComponents(url: target, resolvingAgainstBaseURL: true) else {
            throw .configuration("invalid search endpoint \(base)")
        }
        components.queryItems = (components.queryItems ?? []) + query.map { URLQueryItem(name: $0.0, value: $0.1) }
        // `+` is literal in URLComponents; encode it so servers do not read a space.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        guard let url = components.url else { throw .configuration("invalid search endpoint \(base)") }
        return url
    }
}
