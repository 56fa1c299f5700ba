import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// One HTTP exchange with a size cap on the answer: what function tools and the image tool use.
struct HTTPFetcher: Sendable {
    /// A response, its body cut at the cap.
    struct Response: Sendable {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: [UInt8]
        /// True when the body was longer than the cap and was cut.
        var truncated: Bool

        func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }

        var isJSON: Bool { header("Content-Type")?.lowercased().contains("json") ?? false }
    }

    var client: HTTPClient
    var logger: Logger

    func fetch(
        method: String, url: String, headers: [(name: String, value: String)], body: [UInt8]?,
        timeout: Duration, maxBytes: Int
    ) async throws -> Response {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        let deadline = NIODeadline.now() + .nanoseconds(nanoseconds)
        logger.debug("HTTP request", metadata: ["method": "\(method)", "url": "\(url)"])
        let response = try await client.execute(request, deadline: deadline, logger: logger)
        var collected: [UInt8] = []
        var truncated = false
        for try await chunk in response.body {
            let room = maxBytes - collected.count
            if chunk.readableBytes > room {
                collected += chunk.readableBytesView.prefix(max(room, 0))
                truncated = true
                break
            }
            collected += chunk.readableBytesView
        }
        return Response(
            status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
            body: collected, truncated: truncated)
    }
}
