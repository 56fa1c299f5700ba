import EmergentCore
import Foundation
import Hummingbird
import NIOCore

/// Builders for the server's responses: JSON bodies, OpenAI-shaped errors and server-sent events.
public enum Reply {
    public static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var text = ""
        value.write(to: &text)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    public static func text(_ text: String, contentType: String = "text/plain; charset=utf-8") -> Response {
        Response(status: .ok, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    public static func error(_ error: APIError) -> Response {
        var response = json(error.json, status: error.status)
        if let seconds = error.retryAfter { response.headers[.retryAfter] = String(seconds) }
        return response
    }

    /// Headers of an event stream.
    public static let eventStreamHeaders: HTTPFields = [
        .contentType: "text/event-stream", .cacheControl: "no-cache",
    ]

    /// One `data:` event.
    public static func event(_ value: JSONValue) -> ByteBuffer {
        var text = "data: "
        value.write(to: &text)
        text += "\n\n"
        return ByteBuffer(string: text)
    }

    /// One named event: `event: NAME` then `data: JSON`.
    public static func event(_ name: String, _ value: JSONValue) -> ByteBuffer {
        var text = "event: \(name)\ndata: "
        value.write(to: &text)
        text += "\n\n"
        return ByteBuffer(string: text)
    }

    public static let done = ByteBuffer(string: "data: [DONE]\n\n")

    /// A fresh response id with OpenAI's prefix style (`chatcmpl-…`, `cmpl-…`).
    public static func id(_ prefix: String) -> String {
        prefix + "-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(24)
    }

    public static var now: Int { Int(Date().timeIntervalSince1970) }
}

/// Hands a stream's iterator from the handler (which reads the first event, so errors still get a proper status) to
/// the response body writer (which reads the rest). Only one task uses it at a time.
final class EventPump<Element: Sendable>: @unchecked Sendable {
    private var iterator: AsyncThrowingStream<Element, any Error>.Iterator

    init(_ stream: AsyncThrowingStream<Element, any Error>) {
        iterator = stream.makeAsyncIterator()
    }

    func next() async throws -> Element? { try await iterator.next() }
}
