import EmergentAgents
import EmergentCore
import EmergentServer
import EmergentStore
import EmergentTools
import Foundation
import Logging

/// Which definition of an agent a run uses.
public enum VersionChoice: Sendable, Hashable {
    /// The newest published version.
    case latest
    case number(Int)
    /// The unpublished draft (the builder's test chat).
    case draft
}

/// What a client asks to run.
public struct RunRequest: Sendable {
    public var agentID: String
    public var input: String
    /// Continue this conversation; a new one when `nil`.
    public var conversationID: String?
    /// Uploaded files to put in the conversation's work folder first.
    public var files: [String]
    public var version: VersionChoice
    /// Earlier turns to start a new conversation with (the OpenAI alias's message history).
    public var history: [ChatMessage]

    public init(
        agentID: String, input: String, conversationID: String? = nil, files: [String] = [],
        version: VersionChoice = .latest, history: [ChatMessage] = []
    ) {
        self.agentID = agentID
        self.input = input
        self.conversationID = conversationID
        self.files = files
        self.version = version
        self.history = history
    }
}

/// What happens to a streamed run when its client goes away.
public enum DisconnectPolicy: String, Sendable, CaseIterable {
    /// The run finishes and stays readable (the default).
    case `continue`
    /// The run is stopped and recorded as cancelled.
    case cancel
}

/// A run in progress: its ids and its events.
public struct LiveRun: Sendable {
    public let id: String
    public let agentID: String
    public let conversationID: String
    let broadcast: RunBroadcast

    /// Every event so far, then the live ones, until the run ends.
    public func events() async -> AsyncStream<RunEvent> { await broadcast.subscribe() }

    /// Waits for the run to end and returns its final event (`run.completed` or `run.failed`).
    public func result() async -> RunEvent? {
        var last: RunEvent?
        for await event in await events() where event.isFinal { last = event }
        return last
    }
}

/// Starts runs, keeps each one going independently of its client, and saves it step by step: the user's input when
/// it starts, every step with the messages it added as the step ends, the outcome at the end. Artifacts become files.
public actor RunCoordinator {
    private let store: any PlatformStore
    private let runtimes: AgentRuntimes
    private let paths: EmergentPaths
    private let logger: Logger
    private var live: [String: (run: LiveRun, task: Task<Void, Never>, cancel: @Sendable () -> Void)] = [:]
    private var cancelled: Set<String> = []
    /// Conversations whose next run is being set up (not yet in `live`).
    private var starting: Set<String> = []
    /// Conversations with their tool state and citation ids, kept while in use.
    private var conversations: [String: (conversation: Conversation, lastUsed: ContinuousClock.Instant)] = [:]
    private var accepting = true

    init(store: any PlatformStore, runtimes: AgentRuntimes, paths: EmergentPaths, logger: Logger) {
        self.store = store
        self.runtimes = runtimes
        self.paths = paths
        self.logger = logger
    }

    /// The folder holding each conversation's work folder.
    var sandboxRoot: URL { paths.home.appendingPathComponent("sandboxes", isDirectory: true) }

    /// Starts a run; it goes on in its own task until it ends, whoever listens.
    public func start(_ request: RunRequest) async throws -> LiveRun {
        guard accepting else { throw PlatformError.shuttingDown }
        let input = request.input.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !input.isEmpty else { throw PlatformError.invalid("input", "The run needs a non-empty 'input'.") }
        guard let agent = try await store.agent(request.agentID) else {
            throw PlatformError.notFound("agent", request.agentID)
        }
        let (definition, version, key) = try await definition(of: agent, request.version)
        // Reserves the conversation until the run is registered as live (or fails to start).
        let conversation = try await conversation(for: request, agentID: agent.id, input: input)
        var text = input
        let lease: AgentRuntimes.Lease
        let runID = "run_" + RandomID.hex(24)
        do {
            if !request.files.isEmpty {
                let names = try await place(request.files, in: conversation.workDirectory)
                text += "\n\n[Attached files, in the working folder /mnt/data: \(names.joined(separator: ", "))]"
            }
            lease = try await runtimes.acquire(key, definition: definition)
            do {
                try await store.createRun(StoredRun(
                    id: runID, agentID: agent.id, agentVersion: version, conversationID: conversation.id, input: text,
                    createdAt: Date()))
                try await store.appendMessages([.user(text)], to: conversation.id, runID: runID)
            } catch {
                await runtimes.release(lease)
                throw error
            }
        } catch {
            starting.remove(conversation.id)
            throw error
        }
        let priorMessages = await conversation.messages.count
        let broadcast = RunBroadcast()
        let run = LiveRun(id: runID, agentID: agent.id, conversationID: conversation.id, broadcast: broadcast)
        let recorder = RunRecorder(
            runID: runID, agentID: agent.id, version: version, conversationID: conversation.id,
            priorMessages: priorMessages, store: store, broadcast: broadcast, logger: logger)
        let (events, continuation) = AsyncStream.makeStream(of: AgentEvent.self)
        let loop = Task {
            await lease.agent.execute(text, in: conversation, runID: runID) { continuation.yield($0) }
            continuation.finish()
        }
        let task = Task {
            for await event in events { await recorder.record(event, cancelled: self.isCancelled(runID)) }
            await recorder.finishIfNeeded(cancelled: self.isCancelled(runID))
            await self.ended(runID, lease: lease)
            if let final = await recorder.finalEvent { await broadcast.publish(final) }
            await broadcast.finish()
        }
        live[runID] = (run, task, { loop.cancel() })
        starting.remove(conversation.id)
        return run
    }

    /// A run still going, if it is.
    public func liveRun(_ id: String) -> LiveRun? { live[id]?.run }

    /// Stops a run; it ends with status `cancelled`. Returns whether it was running.
    @discardableResult
    public func cancel(_ id: String) -> Bool {
        guard let entry = live[id] else { return false }
        cancelled.insert(id)
        entry.cancel()
        return true
    }

    /// Refuses new runs, lets running ones finish within `grace`, then cancels the rest and waits for them to be saved.
    public func shutdown(grace: Duration) async {
        accepting = false
        let deadline = ContinuousClock.now + grace
        while !live.isEmpty, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        for id in live.keys { cancel(id) }
        for entry in live.values { await entry.task.value }
        await runtimes.shutdownAll()
    }

    /// Forgets a deleted conversation's in-memory state and its tools' state.
    func forget(conversationID: String, agentID: String) async {
        conversations[conversationID] = nil
        await runtimes.endConversation(conversationID, agentID: agentID)
        try? FileManager.default.removeItem(at: sandboxRoot.appendingPathComponent(conversationID, isDirectory: true))
    }

    /// The number of runs going now.
    public var runningCount: Int { live.count }

    /// Whether a run is going (or starting) on the conversation.
    public func isBusy(conversationID: String) -> Bool {
        starting.contains(conversationID) || live.values.contains { $0.run.conversationID == conversationID }
    }

    /// A conversation of the agent with a run going, if any.
    public func busyConversation(agentID: String) -> String? {
        live.values.first { $0.run.agentID == agentID }?.run.conversationID
    }

    private func isCancelled(_ id: String) -> Bool { cancelled.contains(id) }

    private func ended(_ id: String, lease: AgentRuntimes.Lease) async {
        // A run that did not complete left the conversation's memory behind the store; the next run reloads it.
        if let conversationID = live[id]?.run.conversationID,
            let run = try? await store.run(id), run.status != .completed
        {
            conversations[conversationID] = nil
        }
        live[id] = nil
        cancelled.remove(id)
        await runtimes.release(lease)
    }

    private func definition(of agent: StoredAgent, _ choice: VersionChoice) async throws
        -> (AgentDefinition, Int?, AgentRuntimes.Key)
    {
        switch choice {
        case .draft:
            return (agent.definition, nil, .init(agentID: agent.id, version: nil, revision: agent.updatedAt))
        case .latest, .number:
            let number: Int
            if case .number(let chosen) = choice {
                number = chosen
            } else if let published = agent.publishedVersion {
                number = published
            } else {
                throw PlatformError.conflict(
                    "The agent '\(agent.id)' has no published version; publish it or run its draft with "
                        + "\"version\": \"draft\".", code: "not_published")
            }
            guard let version = try await store.version(number, of: agent.id) else {
                throw PlatformError.notFound("version", "\(agent.id) v\(number)")
            }
            return (version.definition, number, .init(agentID: agent.id, version: number, revision: nil))
        }
    }

    private func conversation(for request: RunRequest, agentID: String, input: String) async throws -> Conversation {
        if let id = request.conversationID {
            guard let stored = try await store.conversation(id), stored.agentID == agentID else {
                throw PlatformError.notFound("conversation of this agent", id)
            }
            // No await between this check and the reservation: two requests cannot both pass it.
            if isBusy(conversationID: id) {
                throw PlatformError.conflict(
                    "The conversation '\(id)' has a run in progress; wait for it to end (or cancel it) before sending "
                        + "the next message.", code: "conversation_busy")
            }
            starting.insert(id)
            if let cached = conversations[id] {
                conversations[id]?.lastUsed = .now
                return cached.conversation
            }
            do {
                let messages = ConversationRepair.repaired(try await store.messages(in: id).map(\.message))
                return remember(Conversation(id: id, root: sandboxRoot, messages: messages))
            } catch {
                starting.remove(id)
                throw error
            }
        }
        let title = String(input.split(separator: "\n").first.map(String.init)?.prefix(60) ?? "")
        let stored = try await store.createConversation(agentID: agentID, title: title)
        starting.insert(stored.id)
        let history = request.history.filter { $0.role == .user || $0.role == .assistant }
        do {
            if !history.isEmpty { try await store.appendMessages(history, to: stored.id, runID: nil) }
        } catch {
            starting.remove(stored.id)
            throw error
        }
        return remember(Conversation(id: stored.id, root: sandboxRoot, messages: history))
    }

    private func remember(_ conversation: Conversation) -> Conversation {
        conversations[conversation.id] = (conversation, .now)
        if conversations.count > 512 {
            let idle = conversations.filter { entry in !live.values.contains { $0.run.conversationID == entry.key } }
            if let oldest = idle.min(by: { $0.value.lastUsed < $1.value.lastUsed }) { conversations[oldest.key] = nil }
        }
        return conversation
    }

    /// Copies uploaded files into the work folder; returns the names they got there.
    private func place(_ fileIDs: [String], in folder: URL) async throws -> [String] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var names: [String] = []
        for id in fileIDs {
            guard let file = try await store.file(id) else { throw PlatformError.notFound("file", id, code: "file_not_found") }
            let name = FileNames.unique(FileNames.safe(file.filename), in: folder)
            try FileManager.default.copyItem(
                at: store.contentURL(of: file), to: folder.appendingPathComponent(name))
            names.append(name)
        }
        return names
    }
}
