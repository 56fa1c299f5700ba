import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's core context plus the connection, so a long response can tell
/// when its client has gone away (`channel.closeFuture`).
public struct EmergentRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's connection.
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}
