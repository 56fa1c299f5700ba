import AsyncHTTPClient
import EmergentCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// An OpenAI-compatible server (llama-server, vLLM, OpenAI itself) reached over HTTP.
///
/// Every call retries connection failures, HTTP 429 and 5xx with exponential backoff, but only until the first byte
/// of output has reached the caller: a reply is never started twice. Each call has one deadline,
/// `endpoint.requestTimeout`, that covers its retries and its whole body.
///
/// The backend either shares an `HTTPClient` it is given, which its owner shuts down, or creates its own, which
/// ``shutdown()`` closes. A client that is not shut down before it is released traps in debug builds.
public final class RemoteBackend: Sendable {
    public let endpoint: RemoteEndpoint
    let client: HTTPClient
    let logger: Logger
    private let ownsClient: Bool

    /// - Parameters:
    ///   - httpClient: a client to share, or `nil` to create one set up by ``makeHTTPClient(connectTimeout:)``.
    ///     A shared client should be made the same way, so that a dead server fails fast instead of being
    ///     redialled by the client until its connect timeout.
    public init(endpoint: RemoteEndpoint, httpClient: HTTPClient? = nil, logger: Logger = RemoteBackend.silentLogger) {
        self.endpoint = endpoint
        self.client = httpClient ?? Self.makeHTTPClient(connectTimeout: endpoint.connectTimeout)
        self.ownsClient = httpClient == nil
        self.logger = logger
    }

    /// A logger that drops everything, for callers that do not log.
    public static let silentLogger = Logger(label: "emergent.remote", factory: { _ in SwiftLogNoOpLogHandler() })

    /// An HTTP client suited to backends: it reports a refused connection at once rather than redialling, so the
    /// backend's own retry policy (and a pool's failover) decide what happens next. The caller shuts it down.
    public static func makeHTTPClient(connectTimeout: Duration = .seconds(5)) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: TimeAmount(connectTimeout))
        configuration.connectionPool.retryConnectionEstablishment = false
        // Servers close idle keep-alive connections after about 5 s (uvicorn under vLLM, llama-server's httplib);
        // closing ours sooner means a request never goes out on a connection the server already dropped, which
        // would fail and cost a retry with backoff.
        configuration.connectionPool.idleTimeout = .seconds(4)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Closes the HTTP client if this backend created it; a shared client is left to its owner. Safe to call twice.
    public func shutdown() async throws {
        guard ownsClient else { return }
        do {
            try await client.shutdown()
        } catch let error as HTTPClientError where error == .alreadyShutdown {
            return
        }
    }

    // MARK: - Passthrough

    /// The names of the models the server offers (`GET /models`).
    public func models() async throws -> [String] {
        struct ModelList: Decodable {
            struct Entry: Decodable { var id: String }
            var data: [Entry]
        }
        let url = endpoint.url(for: "/models")
        let request = makeRequest(url: url, method: .GET, body: nil, accept: "application/json")
        let body = try await withRetries(url: url, deadline: deadline()) { _ in
            do {
                let response = try await client.execute(request, deadline: deadline(), logger: logger)
                try await Self.requireSuccess(response, url: url)
                return try await response.body.collect(upTo: 16 << 20)
            } catch {
                throw failure(error, url: url, retriable: true)
            }
        }
        do {
            return try JSONDecoder().decode(ModelList.self, from: Data(body.readableBytesView)).data.map(\.id)
        } catch {
            throw RemoteBackendError.invalidResponse(url: url, reason: "the model list did not decode (\(error))")
        }
    }

    /// The body with its `model` field set to the upstream's name; other bodies pass unchanged.
    private func renamingModel(in body: ByteBuffer) -> ByteBuffer {
        guard case .object(var object) = try? JSONParser.parse(Array(body.readableBytesView)), object["model"] != nil
        else { return body }
        object["model"] = .string(endpoint.model)
        return ByteBuffer(string: JSONValue.object(object).compactJSON)
    }

    /// POSTs a JSON body to `path` (such as `/completions` or `/embeddings`) and returns the server's answer as it
    /// is, error statuses included, so that a router can proxy the endpoints it does not interpret.
    ///
    /// Connection failures, 429 and 5xx are retried while retries remain; the last answer is returned even then.
    /// With `stream: false` the whole body is read before returning, so a connection lost mid-body is retried too;
    /// with `stream: true` the body is handed over as it arrives and is never retried. Forward the returned headers
    /// without the hop-by-hop ones (`Connection`, `Transfer-Encoding`, `Content-Length` for a re-chunked body).
    /// A JSON object body's `model` is replaced by this endpoint's upstream model name.
    public func forward(path: String, body: ByteBuffer, stream: Bool) async throws -> UpstreamResponse {
        let url = endpoint.url(for: path)
        let body = renamingModel(in: body)
        let request = makeRequest(
            url: url, method: .POST, body: body, accept: stream ? "text/event-stream" : "application/json")
        let deadline = deadline()
        return try await withRetries(url: url, deadline: deadline) { isLastAttempt in
            do {
                let response = try await client.execute(request, deadline: deadline, logger: logger)
                let status = Int(response.status.code)
                if !isLastAttempt, status == 429 || status >= 500 {
                    try await Self.requireSuccess(response, url: url)
                }
                guard !stream else { return UpstreamResponse(response) }
                let whole = try await response.body.collect(upTo: 64 << 20)
                return UpstreamResponse(status: response.status, headers: response.headers, body: .bytes(whole))
            } catch {
                throw failure(error, url: url, retriable: true)
            }
        }
    }

    // MARK: - Shared machinery

    func makeRequest(url: String, method: HTTPMethod, body: ByteBuffer?, accept: String) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: accept)
        if let apiKey = endpoint.apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(body)
        }
        return request
    }

    func deadline() -> NIODeadline { .now() + TimeAmount(endpoint.requestTimeout) }

    /// A failure that may be retried, with how long the server asked the client to wait.
    struct RetryableFailure: Error {
        var error: RemoteBackendError
        var retryAfter: Duration?
    }

    /// Runs `attempt` until it succeeds, throws something that is not a ``RetryableFailure``, runs out of retries, or
    /// would have to wait past `deadline`. `attempt` is told whether it is the last one.
    func withRetries<Result>(
        url: String, deadline: NIODeadline, _ attempt: (_ isLastAttempt: Bool) async throws -> Result
    ) async throws -> Result {
        var number = 1
        while true {
            do {
                return try await attempt(number > endpoint.maxRetries)
            } catch let failure as RetryableFailure {
                let delay = min(failure.retryAfter ?? endpoint.backoff(beforeRetry: number), endpoint.maxRetryDelay)
                guard number <= endpoint.maxRetries, .now() + TimeAmount(delay) < deadline else {
                    throw failure.error.afterAttempts(number)
                }
                logger.warning(
                    "retrying upstream",
                    metadata: [
                        "url": "\(url)", "attempt": "\(number)", "delay": "\(delay)", "error": "\(failure.error)",
                    ])
                try await Task.sleep(for: delay)
                number += 1
            }
        }
    }

    /// Throws for an answer outside 2xx: a ``RetryableFailure`` for 429 and 5xx, the plain rejection otherwise.
    static func requireSuccess(_ response: HTTPClientResponse, url: String) async throws {
        guard !(200..<300).contains(response.status.code) else { return }
        let body = (try? await response.body.collect(upTo: 1 << 20)) ?? ByteBuffer()
        let error = RemoteBackendError.rejected(
            status: Int(response.status.code), message: UpstreamErrorMessage.message(in: body.readableBytesView),
            url: url)
        guard error.isRetriable else { throw error }
        throw RetryableFailure(error: error, retryAfter: retryAfter(response.headers))
    }

    /// `Retry-After` as seconds or as an HTTP date.
    static func retryAfter(_ headers: HTTPHeaders) -> Duration? {
        guard let value = headers.first(name: "Retry-After")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(value), seconds >= 0 { return .milliseconds(Int(seconds * 1000)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return .milliseconds(Int(max(0, date.timeIntervalSinceNow) * 1000))
    }

    /// The error to throw for `error`: cancellation stays cancellation, transport errors become
    /// ``RemoteBackendError``, wrapped as retryable when `retriable` allows and the kind of failure warrants it.
    func failure(_ error: any Error, url: String, retriable: Bool) -> any Error {
        if error is RetryableFailure || error is CancellationError { return error }
        if Task.isCancelled { return CancellationError() }
        let remote = RemoteBackendError(error, url: url, timeout: endpoint.requestTimeout)
        return retriable && remote.isRetriable ? RetryableFailure(error: remote, retryAfter: nil) : remote
    }
}

extension RemoteBackendError {
    /// Reads a transport error from AsyncHTTPClient or NIO in the user's terms.
    init(_ error: any Error, url: String, timeout: Duration) {
        switch error {
        case let error as RemoteBackendError:
            self = error
        case let error as HTTPClientError where [.deadlineExceeded, .readTimeout, .writeTimeout].contains(error):
            self = .timedOut(url: url, after: timeout)
        case let error as HTTPClientError where [.connectTimeout, .getConnectionFromPoolTimeout].contains(error):
            self = .connectionFailed(url: url, attempts: 1, reason: "the connection timed out")
        case let error as HTTPClientError where error == .remoteConnectionClosed:
            self = .connectionFailed(url: url, attempts: 1, reason: "the server closed the connection")
        case let error as HTTPClientError where [.invalidURL, .emptyHost, .emptyScheme].contains(error):
            self = .invalidURL(url: url)
        case let error as NIOConnectionError:
            let reason = error.connectionErrors.first.map { "\($0.error)" } ?? "\(error)"
            self = .connectionFailed(url: url, attempts: 1, reason: reason)
        default:
            self = .connectionFailed(url: url, attempts: 1, reason: "\(error)")
        }
    }

    /// The same error, counting `attempts` tries where that is part of the message.
    func afterAttempts(_ attempts: Int) -> RemoteBackendError {
        guard case .connectionFailed(let url, _, let reason) = self else { return self }
        return .connectionFailed(url: url, attempts: attempts, reason: reason)
    }
}
