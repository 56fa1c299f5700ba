/// Why an MCP server could not serve a request: it would not start, it exited, or it did not answer in time.
/// The message names the server and, where there is one, the end of what it wrote to stderr.
public struct MCPServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: String, Sendable, Hashable {
        /// The process could not be spawned, or did not complete the MCP handshake.
        case startFailed
        /// The process exited while a request was in flight.
        case exited
        /// The request took longer than its timeout.
        case timedOut
        /// The server answered with a protocol or transport error.
        case requestFailed
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
