/// Why the browser could not search, fetch or read something. Each message says what happened and what to try.
public enum BrowserError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The URL could not be parsed or has no host.
    case invalidURL(String)
    /// Only http and https may be opened (and `file:` pages that a local search returned).
    case schemeNotAllowed(url: String, scheme: String)
    /// The host resolves to an address the network policy refuses (loopback, private, metadata, …).
    case addressBlocked(url: String, address: String, reason: String)
    /// The host name could not be resolved.
    case resolutionFailed(host: String, detail: String)
    /// More redirects than allowed.
    case tooManyRedirects(url: String, limit: Int)
    /// A redirect without a usable `Location`.
    case badRedirect(url: String)
    /// The request failed (connection refused, timeout, TLS).
    case requestFailed(url: String, detail: String)
    /// The server answered with an error status.
    case httpStatus(url: String, status: Int)
    /// A search provider answered with something that is not its documented JSON.
    case badSearchResponse(provider: String, detail: String)
    /// A search provider is misconfigured.
    case configuration(String)
    /// The local index could not be built or queried.
    case index(String)

    public var description: String {
        switch self {
        case .invalidURL(let url):
            "'\(url)' is not a valid http(s) URL; give an absolute URL such as https://example.org/page or a source id"
        case .schemeNotAllowed(let url, let scheme):
            "refused to open \(url): the \(scheme): scheme is not allowed; only http and https pages (and local search results) can be opened"
        case .addressBlocked(let url, let address, let reason):
            "refused to open \(url): it resolves to \(address), a \(reason) address; the browser only fetches public addresses unless the agent's settings allow this host (browser.allow_hosts: [\"host\" or \"host:port\"])"
        case .resolutionFailed(let host, let detail):
            "could not resolve \(host): \(detail); check the spelling or search for the site instead"
        case .tooManyRedirects(let url, let limit):
            "gave up on \(url) after \(limit) redirects; try the final URL directly or another source"
        case .badRedirect(let url):
            "\(url) answered with a redirect but no usable Location header"
        case .requestFailed(let url, let detail):
            "could not fetch \(url): \(detail); try again later or use another source"
        case .httpStatus(let url, let status):
            "\(url) answered HTTP \(status); try another result"
        case .badSearchResponse(let provider, let detail):
            "the \(provider) search provider returned an unexpected answer: \(detail)"
        case .configuration(let detail):
            "browser configuration error: \(detail)"
        case .index(let detail):
            "local search index error: \(detail)"
        }
    }
}
