/// A failure a tool reports to the model (and, through the run's events, to the user). The message says what
/// went wrong and what to try instead, because the model reads it as its next observation.
public struct ToolError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
