import EmergentCore

/// Why a call to an OpenAI-compatible server failed, with the server's own words where it gave any.
public enum RemoteBackendError: EmergentError, Hashable {
    /// The server answered with an error status; `message` is its `error.message`, or the body's text.
    case rejected(status: Int, message: String, url: String)
    /// The server could not be reached after `attempts` tries.
    case connectionFailed(url: String, attempts: Int, reason: String)
    /// The call ran past its deadline.
    case timedOut(url: String, after: Duration)
    /// The server reported an error inside a stream it had already started.
    case streamFailed(message: String, url: String)
    /// The stream ended before the server said why the reply finished.
    case incompleteStream(url: String)
    /// The server sent something that is not the OpenAI wire format.
    case invalidResponse(url: String, reason: String)
    /// The endpoint's URL cannot be requested.
    case invalidURL(url: String)

    /// The upstream URL the failed call went to.
    public var url: String {
        switch self {
        case .rejected(_, _, let url), .connectionFailed(let url, _, _), .timedOut(let url, _),
            .streamFailed(_, let url), .incompleteStream(let url), .invalidResponse(let url, _), .invalidURL(let url):
            url
        }
    }

    /// The HTTP status, for `rejected`.
    public var status: Int? {
        if case .rejected(let status, _, _) = self { return status }
        return nil
    }

    public var message: String {
        switch self {
        case .rejected(let status, let message, let url):
            "The server at \(url) refused the request with HTTP \(status): \(message)"
        case .connectionFailed(let url, let attempts, let reason):
            "Could not connect to \(url) (\(attempts) \(attempts == 1 ? "attempt" : "attempts")): \(reason)."
        case .timedOut(let url, let after):
            "The request to \(url) did not finish within \(after)."
        case .streamFailed(let message, let url):
            "The server at \(url) failed while streaming its reply: \(message)"
        case .incompleteStream(let url):
            "The stream from \(url) ended before the reply finished."
        case .invalidResponse(let url, let reason):
            "The server at \(url) sent a reply that is not OpenAI-compatible: \(reason)."
        case .invalidURL(let url):
            "\(url) is not an http or https URL that can be requested."
        }
    }

    public var recovery: String? {
        switch self {
        case .rejected(let status, _, _) where status == 401 || status == 403:
            "Check the API key configured for this endpoint."
        case .rejected(let status, _, _) where status == 404:
            "Check the endpoint's base URL (it usually ends in /v1) and the model name."
        case .rejected(let status, _, _) where status == 429 || status >= 500:
            "The server is overloaded or failing; try again later or add another upstream."
        case .rejected:
            "Fix the request as the server's message says."
        case .connectionFailed:
            "Check that the server is running and that the endpoint's base URL, host and port are right."
        case .timedOut:
            "Raise the endpoint's request timeout, ask for fewer tokens, or check whether the server is overloaded."
        case .streamFailed, .incompleteStream:
            "Try again; if it keeps happening, check the server's logs."
        case .invalidResponse:
            "Check that the base URL points at an OpenAI-compatible API (for llama-server, http://HOST:PORT/v1)."
        case .invalidURL:
            "Give the endpoint a base URL such as http://127.0.0.1:8080/v1."
        }
    }

    /// Whether trying the same server again may help: it was unreachable, overloaded or failing.
    var isRetriable: Bool {
        switch self {
        case .connectionFailed: true
        case .rejected(let status, _, _): status == 429 || status >= 500
        default: false
        }
    }

    /// Whether another server of a pool may succeed where this one failed.
    var allowsFailover: Bool { isRetriable || marksUpstreamDown }

    /// Whether the failure says the server itself is unwell, so a pool should rest it for a while.
    var marksUpstreamDown: Bool {
        switch self {
        case .connectionFailed, .timedOut: true
        case .rejected(let status, _, _): status >= 500
        default: false
        }
    }
}
