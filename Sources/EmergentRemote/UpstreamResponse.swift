import AsyncHTTPClient
import NIOHTTP1

/// A server's answer to a forwarded request: its status and headers, and its body as the server sends it.
///
/// Read or drop the body promptly: the connection stays busy until it has been read to the end, and dropping the
/// body unread cancels the request.
public struct UpstreamResponse: Sendable {
    public var status: HTTPResponseStatus
    public var headers: HTTPHeaders
    /// The body, as `ByteBuffer`s.
    public var body: HTTPClientResponse.Body

    public init(status: HTTPResponseStatus, headers: HTTPHeaders, body: HTTPClientResponse.Body) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    init(_ response: HTTPClientResponse) {
        self.init(status: response.status, headers: response.headers, body: response.body)
    }
}
