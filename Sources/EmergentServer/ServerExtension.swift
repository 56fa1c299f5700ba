import EmergentCore
import Hummingbird
import NIOCore

/// Something that adds routes to the server — the agent platform does — and may answer chat completions for model
/// names it owns (`agent:<id>`). Extensions authenticate their own routes.
public protocol ServerExtension: Sendable {
    /// Registers the extension's routes; `server` offers ``EmergentServer/handle(_:_:readsBody:authenticated:_:)`` for
    /// body limits, JSON parsing, OpenAI-shaped errors and metrics.
    func register(on router: Router<EmergentRequestContext>, server: EmergentServer)
    /// The routes' documentation, added to `/openapi.json`.
    var operations: [OpenAPIDocument.Operation] { get }
    /// Whether a chat completion for `model` is the extension's to answer.
    func ownsChatModel(_ model: String) -> Bool
    /// Answers a chat completion for a model it owns; `authorization` is the request's `Authorization` header and
    /// `connection` the client's (to notice when it goes away during a stream).
    func chatCompletion(
        _ body: JSONValue, authorization: String?, connection: any Channel, started: ContinuousClock.Instant
    ) async throws -> Response
    /// Called on graceful shutdown, after new work is refused: finish or stop what is running within `grace`.
    func shutdown(grace: Duration) async
}
