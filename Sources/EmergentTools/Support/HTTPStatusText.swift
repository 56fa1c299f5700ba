import NIOHTTP1

/// Reason phrases for HTTP status codes, for observations like `HTTP 404 Not Found`.
enum HTTPStatusText {
    static func reason(_ code: Int) -> String {
        HTTPResponseStatus(statusCode: code).reasonPhrase
    }
}
