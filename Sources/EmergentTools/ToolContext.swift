import Foundation
import Logging

/// Where a tool call happens: which conversation and run, the folder its files go to, the conversation's sources,
/// and the time it may take.
public struct ToolContext: Sendable {
    /// Conversation-scoped state (a Python interpreter, open pages) is keyed by this id.
    public var conversationID: String
    public var runID: String
    /// The conversation's work folder on the host; the Python sandbox mounts it at `/mnt/data`, and artifacts are
    /// saved inside it.
    public var workDirectory: URL
    /// Citation ids for everything the conversation has read.
    public var sources: SourceRegistry
    /// How long this call may take; the agent loop also enforces it from outside.
    public var timeout: Duration
    public var logger: Logger

    public init(
        conversationID: String, runID: String, workDirectory: URL, sources: SourceRegistry,
        timeout: Duration = .seconds(60), logger: Logger = Logger(label: "emergent.tools")
    ) {
        self.conversationID = conversationID
        self.runID = runID
        self.workDirectory = workDirectory
        self.sources = sources
        self.timeout = timeout
        self.logger = logger
    }
}
