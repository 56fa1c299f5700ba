import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1

/// Several servers that serve the same model under one public name, used as one.
///
/// Each call goes to the healthy upstream with the fewest calls in progress; ties take turns. An upstream that fails
/// with a connection error, a timeout or a 5xx rests for `coolDown` and is tried again after it. When every
/// upstream is resting, the one whose rest ends first is tried. A call that fails before its first byte of output
/// moves on to the next upstream, so callers see a failure only when all of them failed (or a request error, such as
/// a 400, that another upstream would refuse as well).
public actor UpstreamPool {
    /// The model name clients use for this pool.
    public nonisolated let model: String
    public nonisolated let upstreams: [RemoteBackend]
    /// How long a failing upstream rests.
    public nonisolated let coolDown: Duration
    nonisolated let logger: Logger
    private var health: [UpstreamStats]
    private var nextTurn = 0

    /// How a call on an upstream ended, for its health record.
    enum Outcome {
        case succeeded
        case failed(RemoteBackendError)
        /// Cancelled or failed for a reason that says nothing about the upstream.
        case abandoned
    }

    /// - Precondition: `upstreams` is not empty.
    public init(
        model: String, upstreams: [RemoteBackend], coolDown: Duration = .seconds(30),
        logger: Logger = RemoteBackend.silentLogger
    ) {
        precondition(!upstreams.isEmpty, "an upstream pool needs at least one upstream")
        self.model = model
        self.upstreams = upstreams
        self.coolDown = coolDown
        self.logger = logger
        health = upstreams.map { UpstreamStats(url: $0.endpoint.baseURL) }
    }

    /// The state of each upstream, in the order they were given.
    public func stats() -> [UpstreamStats] { health }

    /// Shuts down the HTTP clients that the upstreams created themselves.
    public nonisolated func shutdown() async throws {
        for upstream in upstreams { try await upstream.shutdown() }
    }

    /// Picks the upstream for the next attempt among those not in `tried`, and counts the call as in progress.
    func acquire(excluding tried: Set<Int>) -> Int? {
        let now = ContinuousClock.now
        let candidates = health.indices.filter { !tried.contains($0) }
        let healthy = candidates.filter { !health[$0].isDown(at: now) }
        let chosen: Int
        if let fewest = healthy.map({ health[$0].outstanding }).min() {
            let tied = healthy.filter { health[$0].outstanding == fewest }
            chosen = tied.first { $0 >= nextTurn } ?? tied[0]
            nextTurn = chosen + 1
        } else if let soonest = candidates.min(by: { (health[$0].downUntil ?? now) < (health[$1].downUntil ?? now) }) {
            chosen = soonest
        } else {
            return nil
        }
        health[chosen].outstanding += 1
        health[chosen].requests += 1
        return chosen
    }

    /// Ends a call on upstream `index` and updates its health.
    func release(_ index: Int, _ outcome: Outcome) {
        health[index].outstanding -= 1
        switch outcome {
        case .succeeded:
            health[index].downUntil = nil
        case .failed(let error) where error.marksUpstreamDown:
            health[index].failures += 1
            health[index].downUntil = .now + coolDown
            logger.warning(
                "upstream marked down",
                metadata: ["model": "\(model)", "url": "\(health[index].url)", "error": "\(error)"])
        case .failed, .abandoned:
            break
        }
    }

    /// Forwards a raw JSON body to the first upstream that answers without a 429 or 5xx (see
    /// ``RemoteBackend/forward(path:body:stream:)``). When all of them fail, the last answer is returned, or the
    /// last error thrown.
    public nonisolated func forward(path: String, body: ByteBuffer, stream: Bool) async throws -> UpstreamResponse {
        var tried: Set<Int> = []
        var lastResponse: UpstreamResponse?
        var lastError: (any Error)?
        while let index = await acquire(excluding: tried) {
            tried.insert(index)
            let upstream = upstreams[index]
            let response: UpstreamResponse
            do {
                response = try await upstream.forward(path: path, body: body, stream: stream)
            } catch {
                await release(index, Self.outcome(of: error))
                guard let remote = error as? RemoteBackendError, remote.allowsFailover else { throw error }
                lastError = error
                continue
            }
            let status = Int(response.status.code)
            guard status == 429 || status >= 500 else {
                guard stream else {
                    await release(index, .succeeded)
                    return response
                }
                // The call is in progress until its body has been read or dropped.
                let lease = Lease(pool: self, index: index)
                var leased = response
                leased.body = .stream(LeasedBody(base: response.body, lease: lease))
                return leased
            }
            await release(
                index,
                .failed(.rejected(status: status, message: "HTTP \(status)", url: upstream.endpoint.url(for: path))))
            lastResponse = response
        }
        if let lastResponse { return lastResponse }
        throw lastError ?? CancellationError()
    }

    static func outcome(of error: any Error) -> Outcome {
        if let error = error as? RemoteBackendError { return .failed(error) }
        return .abandoned
    }
}

/// Holds a pool call open until the streamed body that belongs to it is gone.
final class Lease: Sendable {
    let pool: UpstreamPool
    let index: Int

    init(pool: UpstreamPool, index: Int) {
        self.pool = pool
        self.index = index
    }

    deinit {
        Task { [pool, index] in await pool.release(index, .succeeded) }
    }
}

/// A response body that keeps its pool call counted as in progress while anyone can still read it.
struct LeasedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let base: HTTPClientResponse.Body
    let lease: Lease

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: HTTPClientResponse.Body.AsyncIterator
        let lease: Lease

        mutating func next() async throws -> ByteBuffer? { try await base.next() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), lease: lease) }
}
