import Foundation

/// What the fetcher brought back: the final URL after redirects, the media type and the (possibly capped) body.
public struct FetchedResource: Sendable, Hashable {
    /// The URL the body came from (the last redirect hop).
    public var url: URL
    public var status: Int
    /// The media type without parameters, lower-cased (`text/html`); empty when the server sent none.
    public var mediaType: String
    /// The `charset` parameter of `Content-Type`, if any.
    public var charset: String?
    /// The body, at most the fetcher's byte cap; empty for types the browser cannot read.
    public var body: [UInt8]
    /// True when the body was longer than the cap and was cut.
    public var truncated: Bool
    /// The `Content-Length` the server declared, if any.
    public var declaredLength: Int?

    public init(
        url: URL, status: Int, mediaType: String, charset: String? = nil, body: [UInt8], truncated: Bool = false,
        declaredLength: Int? = nil
    ) {
        self.url = url
        self.status = status
        self.mediaType = mediaType
        self.charset = charset
        self.body = body
        self.truncated = truncated
        self.declaredLength = declaredLength
    }

    /// Whether the browser can turn this media type into text.
    public static func isReadable(_ mediaType: String) -> Bool {
        mediaType.isEmpty || mediaType.hasPrefix("text/") || mediaType == "application/xhtml+xml"
            || mediaType == "application/json" || mediaType.hasSuffix("+json") || mediaType == "application/xml"
            || mediaType == "application/markdown"
    }
}
