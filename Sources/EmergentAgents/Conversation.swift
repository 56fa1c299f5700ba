import EmergentCore
import EmergentTools
import Foundation

/// One conversation: its messages so far, its work folder, and the sources it has seen. Runs on the same
/// conversation continue it; tools keep their per-conversation state (an interpreter, open pages) under its id.
public actor Conversation {
    public nonisolated let id: String
    /// The conversation's files; the Python sandbox sees it as `/mnt/data`, and artifacts are saved here.
    public nonisolated let workDirectory: URL
    public nonisolated let sources: SourceRegistry
    /// Messages after the system prompt, oldest first.
    public private(set) var messages: [ChatMessage]

    /// A conversation whose work folder is `root/<id>` (created on first use).
    public init(id: String = Conversation.newID(), root: URL, messages: [ChatMessage] = []) {
        self.id = id
        self.workDirectory = root.appendingPathComponent(id, isDirectory: true)
        self.sources = SourceRegistry()
        self.messages = messages
    }

    /// Appends a run's new messages.
    func append(_ new: [ChatMessage]) {
        messages.append(contentsOf: new)
    }

    /// A fresh id: `conv_` and 24 random hex digits.
    public static func newID() -> String { "conv_" + RandomID.hex(24) }
}
