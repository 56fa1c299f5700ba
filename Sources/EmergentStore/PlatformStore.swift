import EmergentAgents
import EmergentCore
import Foundation

/// Everything the platform keeps: agents and their versions, conversations and messages, runs and their steps,
/// files and API keys. ``SQLiteStore`` implements it on GRDB; a PostgreSQL store can follow without touching callers.
///
/// Every method either completes its write (durably, in one transaction) or throws a ``StoreError``.
public protocol PlatformStore: Sendable {
    // MARK: Agents

    /// Stores a new agent and publishes its version 1.
    func createAgent(_ definition: AgentDefinition) async throws -> StoredAgent
    func agent(_ id: String) async throws -> StoredAgent?
    /// All agents, newest first.
    func agents() async throws -> [StoredAgent]
    /// Replaces the draft; published versions are unchanged. Throws ``StoreError/notFound(_:)``.
    func updateAgent(_ id: String, definition: AgentDefinition) async throws -> StoredAgent
    /// Deletes an agent. Without `force`, throws ``StoreError/conflict(_:)`` when it has conversations; with it,
    /// also deletes its versions, keys, conversations, messages, runs and steps. Files stay.
    func deleteAgent(_ id: String, force: Bool) async throws
    /// Snapshots the draft as the next version.
    func publish(_ agentID: String, note: String?) async throws -> AgentVersion
    /// Versions, newest first.
    func versions(of agentID: String) async throws -> [AgentVersion]
    func version(_ number: Int, of agentID: String) async throws -> AgentVersion?

    // MARK: Conversations

    func createConversation(agentID: String, title: String) async throws -> StoredConversation
    func conversation(_ id: String) async throws -> StoredConversation?
    /// An agent's conversations, newest activity first.
    func conversations(agentID: String, limit: Int) async throws -> [StoredConversation]
    func conversationCount(agentID: String) async throws -> Int
    func deleteConversation(_ id: String) async throws
    /// Messages in order.
    func messages(in conversationID: String) async throws -> [StoredMessage]
    /// Appends messages after the conversation's last one (positions continue) and touches `updatedAt`.
    func appendMessages(_ messages: [ChatMessage], to conversationID: String, runID: String?) async throws

    // MARK: Runs

    func createRun(_ run: StoredRun) async throws
    func run(_ id: String) async throws -> StoredRun?
    /// A conversation's runs, oldest first.
    func runs(in conversationID: String) async throws -> [StoredRun]
    /// Saves one finished step (the step boundary a crash cannot lose) together with the messages it added to the
    /// conversation, in one transaction.
    func appendStep(_ step: TrajectoryStep, messages: [ChatMessage], runID: String) async throws
    func steps(of runID: String) async throws -> [TrajectoryStep]
    /// Records how a run ended (and the final messages, in the same transaction).
    func finishRun(_ outcome: RunOutcome, messages: [ChatMessage]) async throws
    /// Marks every run still `running` as `interrupted`; returns how many. Called once at start-up.
    func markInterruptedRuns() async throws -> Int

    // MARK: Files

    /// Stores content (once per SHA-256) and a new file record pointing at it.
    func saveFile(_ content: Data, filename: String, contentType: String, purpose: String) async throws -> StoredFile
    /// Stores a file from disk by copying it in (for sandbox artifacts).
    func saveFile(copying source: URL, filename: String, contentType: String, purpose: String) async throws -> StoredFile
    func file(_ id: String) async throws -> StoredFile?
    /// Where a file's bytes are on disk.
    func contentURL(of file: StoredFile) -> URL

    // MARK: API keys

    /// Makes a new random key; only its hash is stored.
    func createKey(scope: KeyScope, name: String?) async throws -> CreatedAPIKey
    /// The key record for a presented secret (and records its use), or `nil`.
    func authenticate(_ secret: String) async throws -> APIKeyRecord?
    /// Keys with that scope (all admin keys, or one agent's keys).
    func keys(scope: KeyScope) async throws -> [APIKeyRecord]
    func deleteKey(_ id: String) async throws
}

/// A store operation that failed, with what to do.
public enum StoreError: EmergentError, Equatable {
    case notFound(String)
    case conflict(String)
    /// The database or the files folder cannot be used.
    case storage(String)

    public var message: String {
        switch self {
        case .notFound(let message), .conflict(let message), .storage(let message): message
        }
    }

    public var recovery: String? {
        switch self {
        case .notFound: "Check the id; list what exists with the matching GET route."
        case .conflict: nil
        case .storage: "Check that $EMERGENT_HOME is writable and has free space."
        }
    }
}
