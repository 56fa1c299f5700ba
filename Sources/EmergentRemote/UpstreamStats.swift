/// A snapshot of one upstream of a pool, for metrics and status pages.
public struct UpstreamStats: Sendable, Hashable {
    /// The upstream's base URL.
    public var url: String
    /// Calls in progress.
    public var outstanding: Int
    /// Calls started since the pool was made.
    public var requests: Int
    /// Calls that failed in a way that rested the upstream (connection failure, timeout, 5xx).
    public var failures: Int
    /// When the upstream's rest ends, while it is resting.
    public var downUntil: ContinuousClock.Instant?

    public init(
        url: String, outstanding: Int = 0, requests: Int = 0, failures: Int = 0,
        downUntil: ContinuousClock.Instant? = nil
    ) {
        self.url = url
        self.outstanding = outstanding
        self.requests = requests
        self.failures = failures
        self.downUntil = downUntil
    }

    /// Whether the upstream is resting at `now`.
    public func isDown(at now: ContinuousClock.Instant = .now) -> Bool {
        downUntil.map { $0 > now } ?? false
    }
}
