/// Where an OpenAI-compatible server lives and how patiently to talk to it.
///
/// `baseURL` is the API root that `/chat/completions` and `/models` hang off, for example
/// `http://127.0.0.1:8080/v1`. Retries follow exponential backoff with jitter, starting at `backoffBase` and never
/// waiting longer than `maxRetryDelay`, which also caps a server's `Retry-After`.
public struct RemoteEndpoint: Sendable, Hashable {
    /// The API root, without a trailing slash.
    public var baseURL: String
    /// Sent as `Authorization: Bearer <apiKey>` when set.
    public var apiKey: String?
    /// The `model` field sent upstream.
    public var model: String
    /// How long to wait for a TCP connection. Applies to the HTTP client that `RemoteBackend` creates itself.
    public var connectTimeout: Duration
    /// The deadline for one call, retries and the whole streamed body included.
    public var requestTimeout: Duration
    /// Extra attempts after the first, made only before any output has reached the caller.
    public var maxRetries: Int
    /// The delay before the first retry; each further retry doubles it.
    public var backoffBase: Duration
    /// The longest pause between attempts, whether from backoff or from the server's `Retry-After`.
    public var maxRetryDelay: Duration

    public init(
        baseURL: String, apiKey: String? = nil, model: String, connectTimeout: Duration = .seconds(5),
        requestTimeout: Duration = .seconds(600), maxRetries: Int = 2, backoffBase: Duration = .milliseconds(250),
        maxRetryDelay: Duration = .seconds(10)
    ) {
        var root = baseURL
        while root.hasSuffix("/") { root.removeLast() }
        self.baseURL = root
        self.apiKey = apiKey
        self.model = model
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maxRetries = max(0, maxRetries)
        self.backoffBase = backoffBase
        self.maxRetryDelay = maxRetryDelay
    }

    /// The full URL of an API path such as `/chat/completions`.
    public func url(for path: String) -> String {
        path.hasPrefix("/") ? baseURL + path : baseURL + "/" + path
    }

    /// The pause before retry number `retry` (1 for the first): the exponential step, half of it random, capped.
    func backoff(beforeRetry retry: Int) -> Duration {
        let step = backoffBase * (1 << min(max(retry - 1, 0), 16))
        let capped = min(step, maxRetryDelay)
        return capped / 2 + capped / 2 * Double.random(in: 0...1)
    }
}
