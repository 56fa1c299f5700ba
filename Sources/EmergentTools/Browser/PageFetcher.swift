import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Fetches pages for the browser: every hop checked by the ``NetworkPolicy``, redirects followed by hand up to a
/// limit, a timeout per request, and a cap on the bytes read.
///
/// Bodies of types the browser cannot read (PDF, images, archives) are not downloaded; text bodies longer than
/// the cap are cut at the cap and marked ``FetchedResource/truncated``.
public struct PageFetcher: Sendable {
    public var policy: NetworkPolicy
    public var maxBytes: Int
    public var maxRedirects: Int
    public var timeout: Duration
    public var userAgent: String
    private let client: HTTPClient
    private let logger: Logger

    public init(
        client: HTTPClient, policy: NetworkPolicy, maxBytes: Int = 2_000_000, maxRedirects: Int = 5,
        timeout: Duration = .seconds(20), userAgent: String = "Emergent-Browser/1.0", logger: Logger
    ) {
        self.client = client
        self.policy = policy
        self.maxBytes = maxBytes
        self.maxRedirects = maxRedirects
        self.timeout = timeout
        self.userAgent = userAgent
        self.logger = logger
    }

    /// Fetches `url`, following up to ``maxRedirects`` redirects, each checked against the policy.
    public func fetch(_ url: URL) async throws(BrowserError) -> FetchedResource {
        var current = url
        var hops = 0
        while true {
            let pinned = try await policy.check(current)
            var request = HTTPClientRequest(url: current.absoluteString)
            request.method = .GET
            request.headers.add(name: "User-Agent", value: userAgent)
            request.headers.add(
                name: "Accept",
                value: "text/html,application/xhtml+xml,text/plain,text/markdown,application/json;q=0.9,*/*;q=0.5")
            // A name checked by the policy is connected to at the address that was checked.
            let hopClient = pinned.flatMap { address in
                current.host.map { Self.pinnedClient(host: $0, address: address, timeout: timeout) }
            }
            defer { if let hopClient { Self.shutDownLater(hopClient) } }
            let response: HTTPClientResponse
            do {
                response = try await (hopClient ?? client).execute(request, timeout: .init(timeout))
            } catch {
                throw .requestFailed(url: current.absoluteString, detail: Self.describe(error))
            }
            let status = Int(response.status.code)
            if (300...399).contains(status) && status != 304 {
                guard let location = response.headers.first(name: "Location"),
                    let next = URL(string: location, relativeTo: current)?.absoluteURL
                else { throw .badRedirect(url: current.absoluteString) }
                hops += 1
                guard hops <= maxRedirects else {
                    throw .tooManyRedirects(url: url.absoluteString, limit: maxRedirects)
                }
                logger.debug("redirect", metadata: ["from": "\(current)", "to": "\(next)"])
                current = next
                continue
            }
            guard (200...299).contains(status) else { throw .httpStatus(url: current.absoluteString, status: status) }
            let (mediaType, charset) = Self.parseContentType(response.headers.first(name: "Content-Type") ?? "")
            let declared = response.headers.first(name: "Content-Length").flatMap { Int($0) }
            guard FetchedResource.isReadable(mediaType) else {
                return FetchedResource(
                    url: current, status: status, mediaType: mediaType, charset: charset, body: [],
                    declaredLength: declared)
            }
            var body: [UInt8] = []
            var truncated = false
            do {
                for try await buffer in response.body {
                    let room = maxBytes - body.count
                    if buffer.readableBytes > room {
                        body += buffer.readableBytesView.prefix(room)
                        truncated = true
                        break
                    }
                    body += buffer.readableBytesView
                }
            } catch {
                throw .requestFailed(url: current.absoluteString, detail: Self.describe(error))
            }
            return FetchedResource(
                url: current, status: status, mediaType: mediaType, charset: charset, body: body,
                truncated: truncated, declaredLength: declared)
        }
    }

    /// A client that connects to `address` whenever a URL names `host` (TLS still verifies `host`), with the
    /// browser's client settings: no automatic redirects and the same timeouts.
    static func pinnedClient(host: String, address: IPAddress, timeout: Duration) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        let read = TimeAmount(timeout)
        configuration.timeout = .init(connect: min(read, .seconds(10)), read: read)
        configuration.dnsOverride = [host: address.description]
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Shuts a per-hop client down once its response has been read (or dropped).
    static func shutDownLater(_ client: HTTPClient) {
        Task { try? await client.shutdown() }
    }

    /// `text/html; charset=UTF-8` → (`text/html`, `UTF-8`).
    static func parseContentType(_ header: String) -> (String, String?) {
        let parts = header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        let mediaType = parts.first?.lowercased() ?? ""
        var charset: String?
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].lowercased() == "charset" {
                charset = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
            }
        }
        return (mediaType, charset)
    }

    static func describe(_ error: any Error) -> String {
        if let client = error as? HTTPClientError {
            if client == .deadlineExceeded || client == .readTimeout || client == .connectTimeout {
                return "the request timed out"
            }
            return "\(client)"
        }
        return "\(error)"
    }
}
