/// An error that tells the user what went wrong and what to do about it.
///
/// Every error Emergent throws conforms, so the CLI, the server and the logs can show the same two parts:
/// `message` (what happened, with the values involved) and `recovery` (the next step to take).
public protocol EmergentError: Error, CustomStringConvertible, Sendable {
    /// What happened, naming the input that caused it.
    var message: String { get }
    /// What the user can do next, or `nil` when there is nothing useful to suggest.
    var recovery: String? { get }
}

extension EmergentError {
    public var description: String {
        guard let recovery else { return message }
        return "\(message) \(recovery)"
    }
}
