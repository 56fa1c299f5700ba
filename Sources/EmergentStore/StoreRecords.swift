import EmergentAgents
import EmergentCore
import EmergentTools
import Foundation

/// An agent as stored: its editable draft definition and, once published, its latest version number.
public struct StoredAgent: Sendable, Hashable, Codable {
    public var id: String
    /// The draft: what the builder edits. Runs use a published version unless they ask for the draft.
    public var definition: AgentDefinition
    /// The newest published version, or `nil` before the first publish.
    public var publishedVersion: Int?
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, definition: AgentDefinition, publishedVersion: Int?, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.definition = definition
        self.publishedVersion = publishedVersion
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// An immutable snapshot of an agent's definition, made by publishing.
public struct AgentVersion: Sendable, Hashable, Codable {
    public var agentID: String
    /// 1, 2, 3… per agent.
    public var version: Int
    public var definition: AgentDefinition
    public var note: String?
    public var createdAt: Date

    public init(agentID: String, version: Int, definition: AgentDefinition, note: String?, createdAt: Date) {
        self.agentID = agentID
        self.version = version
        self.definition = definition
        self.note = note
        self.createdAt = createdAt
    }
}

/// A conversation with one agent; its messages are ``StoredMessage``s.
public struct StoredConversation: Sendable, Hashable, Codable {
    public var id: String
    public var agentID: String
    /// The start of the first input, for lists.
    public var title: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, agentID: String, title: String, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.agentID = agentID
        self.title = title
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// One message of a conversation (user, assistant with or without tool calls, tool observation), in order.
public struct StoredMessage: Sendable, Hashable, Codable {
    public var conversationID: String
    /// 0, 1, 2… within the conversation.
    public var position: Int
    public var message: ChatMessage
    /// The run that wrote it.
    public var runID: String?
    public var createdAt: Date

    public init(conversationID: String, position: Int, message: ChatMessage, runID: String?, createdAt: Date) {
        self.conversationID = conversationID
        self.position = position
        self.message = message
        self.runID = runID
        self.createdAt = createdAt
    }
}

/// Where a run stands.
public enum RunStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case running, completed, failed, cancelled
    /// The server stopped (crashed, was killed) while the run was going; set on the next start.
    case interrupted

    /// Whether the run has ended.
    public var isFinal: Bool { self != .running }
}

/// An artifact saved as a file: what runs report and the API serves.
public struct StoredArtifact: Sendable, Hashable, Codable {
    public var fileID: String
    public var name: String
    public var mimeType: String
    public var bytes: Int

    enum CodingKeys: String, CodingKey {
        case fileID = "file_id", name, mimeType = "mime_type", bytes
    }

    public init(fileID: String, name: String, mimeType: String, bytes: Int) {
        self.fileID = fileID
        self.name = name
        self.mimeType = mimeType
        self.bytes = bytes
    }
}

/// One run: which agent version ran on which conversation, its input, and how it ended. Its steps are stored
/// separately, one row per step, as they finish.
public struct StoredRun: Sendable, Hashable, Codable {
    public var id: String
    public var agentID: String
    /// The published version used; `nil` for a run of the draft.
    public var agentVersion: Int?
    public var conversationID: String
    public var status: RunStatus
    public var input: String
    public var answer: String?
    public var error: String?
    public var usage: Usage
    public var limitHit: AgentLimit?
    public var citations: [Citation]
    public var artifacts: [StoredArtifact]
    public var createdAt: Date
    public var finishedAt: Date?
    public var durationSeconds: Double?

    public init(
        id: String, agentID: String, agentVersion: Int?, conversationID: String, status: RunStatus = .running,
        input: String, answer: String? = nil, error: String? = nil, usage: Usage = Usage(),
        limitHit: AgentLimit? = nil, citations: [Citation] = [], artifacts: [StoredArtifact] = [],
        createdAt: Date, finishedAt: Date? = nil, durationSeconds: Double? = nil
    ) {
        self.id = id
        self.agentID = agentID
        self.agentVersion = agentVersion
        self.conversationID = conversationID
        self.status = status
        self.input = input
        self.answer = answer
        self.error = error
        self.usage = usage
        self.limitHit = limitHit
        self.citations = citations
        self.artifacts = artifacts
        self.createdAt = createdAt
        self.finishedAt = finishedAt
        self.durationSeconds = durationSeconds
    }
}

/// How a run ended, as ``PlatformStore/finishRun(_:)`` records it.
public struct RunOutcome: Sendable, Hashable {
    public var runID: String
    public var status: RunStatus
    public var answer: String?
    public var error: String?
    public var usage: Usage
    public var limitHit: AgentLimit?
    public var citations: [Citation]
    public var artifacts: [StoredArtifact]
    public var durationSeconds: Double

    public init(
        runID: String, status: RunStatus, answer: String?, error: String?, usage: Usage, limitHit: AgentLimit?,
        citations: [Citation], artifacts: [StoredArtifact], durationSeconds: Double
    ) {
        self.runID = runID
        self.status = status
        self.answer = answer
        self.error = error
        self.usage = usage
        self.limitHit = limitHit
        self.citations = citations
        self.artifacts = artifacts
        self.durationSeconds = durationSeconds
    }
}

/// A stored file's metadata; the bytes live once per SHA-256 under `$EMERGENT_HOME/files`.
public struct StoredFile: Sendable, Hashable, Codable {
    public var id: String
    public var filename: String
    public var contentType: String
    public var bytes: Int
    /// Lowercase hex SHA-256 of the content.
    public var sha256: String
    /// `input` (sent with a run), `knowledge` (indexed by an agent), `artifact` (made by a tool).
    public var purpose: String
    public var createdAt: Date

    public init(
        id: String, filename: String, contentType: String, bytes: Int, sha256: String, purpose: String, createdAt: Date
    ) {
        self.id = id
        self.filename = filename
        self.contentType = contentType
        self.bytes = bytes
        self.sha256 = sha256
        self.purpose = purpose
        self.createdAt = createdAt
    }
}

/// What an API key may do.
public enum KeyScope: Sendable, Hashable, Codable {
    /// Everything.
    case admin
    /// One agent: its runs, conversations and files, and the chat alias.
    case agent(String)
}

/// An API key as stored: never the key itself, only its SHA-256 and a short visible prefix.
public struct APIKeyRecord: Sendable, Hashable, Codable {
    public var id: String
    /// The key's first 12 characters (`emk-AbCdEfGh`), for recognising it in lists.
    public var prefix: String
    public var scope: KeyScope
    public var name: String?
    public var createdAt: Date
    public var lastUsedAt: Date?

    public init(id: String, prefix: String, scope: KeyScope, name: String?, createdAt: Date, lastUsedAt: Date? = nil) {
        self.id = id
        self.prefix = prefix
        self.scope = scope
        self.name = name
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }
}

/// A key just created: the record, and the full key, which is shown this once and never stored.
public struct CreatedAPIKey: Sendable, Hashable {
    public var record: APIKeyRecord
    public var secret: String

    public init(record: APIKeyRecord, secret: String) {
        self.record = record
        self.secret = secret
    }
}
