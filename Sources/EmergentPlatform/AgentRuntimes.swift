import EmergentAgents
import EmergentCore
import EmergentStore
import EmergentTools
import Foundation
import Logging

/// Built agents, kept warm between runs: building one starts its tools (a Python sandbox pool, a knowledge index,
/// MCP servers), which is too slow to do per run. Keyed by agent and version (the draft by its last edit); the least
/// recently used idle ones are shut down beyond `capacity`.
actor AgentRuntimes {
    /// Which definition a runtime runs.
    struct Key: Hashable, Sendable {
        var agentID: String
        /// The published version, or `nil` for the draft.
        var version: Int?
        /// The draft's last edit (drafts change in place).
        var revision: Date?
    }

    /// A built agent in use by a run; hand it back with ``release(_:)``.
    struct Lease: Sendable {
        let key: Key
        let agent: Agent
        let toolkit: AgentToolkit
    }

    private struct Entry {
        var agent: Agent
        var toolkit: AgentToolkit
        var users = 0
        var lastUsed = ContinuousClock.now
    }

    private let store: any PlatformStore
    private let models: any ModelResolver
    private let paths: EmergentPaths
    private let logger: Logger
    private let capacity: Int
    private var entries: [Key: Entry] = [:]
    private var building: [Key: Task<Entry, any Error>] = [:]

    init(store: any PlatformStore, models: any ModelResolver, paths: EmergentPaths, logger: Logger, capacity: Int = 8) {
        self.store = store
        self.models = models
        self.paths = paths
        self.logger = logger
        self.capacity = capacity
    }

    /// The running agent for `definition`, built on first use.
    func acquire(_ key: Key, definition: AgentDefinition) async throws -> Lease {
        if entries[key] == nil {
            let task = building[key] ?? Task { try await build(key, definition: definition) }
            building[key] = task
            let built: Entry
            do {
                built = try await task.value
            } catch {
                building[key] = nil
                throw error
            }
            building[key] = nil
            if entries[key] == nil { entries[key] = built }
        }
        guard var entry = entries[key] else { throw PlatformError.invalid(nil, "The agent could not be started.") }
        entry.users += 1
        entry.lastUsed = .now
        entries[key] = entry
        await evict()
        return Lease(key: key, agent: entry.agent, toolkit: entry.toolkit)
    }

    /// A run is done with its agent.
    func release(_ lease: Lease) async {
        entries[lease.key]?.users -= 1
        entries[lease.key]?.lastUsed = .now
        await evict()
    }

    /// Shuts down an agent's idle runtimes (after an edit, a publish or a delete).
    func invalidate(agentID: String) async {
        for (key, entry) in entries where key.agentID == agentID && entry.users == 0 {
            entries[key] = nil
            await entry.toolkit.shutdown()
        }
    }

    /// Forgets one conversation's tool state in every runtime of its agent.
    func endConversation(_ conversationID: String, agentID: String) async {
        for (key, entry) in entries where key.agentID == agentID { await entry.toolkit.endConversation(conversationID) }
    }

    func shutdownAll() async {
        let all = entries.values
        entries = [:]
        for entry in all { await entry.toolkit.shutdown() }
    }

    private func evict() async {
        while entries.count > capacity {
            let idle = entries.filter { $0.value.users == 0 }.min { $0.value.lastUsed < $1.value.lastUsed }
            guard let (key, entry) = idle else { return }
            entries[key] = nil
            await entry.toolkit.shutdown()
        }
    }

    private func build(_ key: Key, definition: AgentDefinition) async throws -> Entry {
        let folder = paths.home.appendingPathComponent("agents/\(key.agentID)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var resolved = definition
        resolved.knowledge = try await knowledgePaths(definition.knowledge, key: key, folder: folder)
        let model = try models.model(named: definition.model)
        let toolkit = try await AgentToolkit.build(resolved, baseDirectory: folder, paths: paths, logger: logger)
        let configuration = AgentConfiguration(definition: resolved, tools: toolkit.tools)
        logger.info(
            "agent started",
            metadata: ["agent": "\(key.agentID)", "version": "\(key.version.map(String.init) ?? "draft")",
                       "tools": "\(toolkit.tools.map(\.spec.name).joined(separator: ","))"])
        return Entry(agent: Agent(configuration: configuration, model: model, logger: logger), toolkit: toolkit)
    }

    /// Knowledge entries naming uploaded files (`file-…`) become links to their content, under their own names (the
    /// indexer reads the format from the extension); paths stay as they are.
    private func knowledgePaths(_ entries: [String]?, key: Key, folder: URL) async throws -> [String]? {
        guard let entries else { return nil }
        let linkFolder = folder.appendingPathComponent(
            "knowledge-" + (key.version.map { "v\($0)" } ?? "draft"), isDirectory: true)
        try? FileManager.default.removeItem(at: linkFolder)
        try FileManager.default.createDirectory(at: linkFolder, withIntermediateDirectories: true)
        var resolved: [String] = []
        for entry in entries {
            guard entry.hasPrefix("file-") else {
                resolved.append(entry)
                continue
            }
            guard let file = try await store.file(entry) else {
                throw PlatformError.invalid(
                    "knowledge", "The knowledge file '\(entry)' does not exist; upload it with POST /v1/files first.")
            }
            let name = FileNames.unique(FileNames.safe(file.filename), in: linkFolder)
            let link = linkFolder.appendingPathComponent(name)
            try FileManager.default.createSymbolicLink(at: link, withDestinationURL: store.contentURL(of: file))
            resolved.append(link.path)
        }
        return resolved
    }
}

/// File names from users, made safe to write into a folder.
enum FileNames {
    /// The last path component, without control characters; `file` when nothing is left.
    static func safe(_ name: String) -> String {
        let last = name.split(separator: "/").last.map(String.init) ?? ""
        let cleaned = String(last.unicodeScalars.filter { $0.value >= 0x20 && $0 != "\\" }.map(Character.init))
            .trimmingCharacters(in: .whitespaces)
        return cleaned.isEmpty || cleaned == "." || cleaned == ".." ? "file" : String(cleaned.prefix(200))
    }

    /// `name`, or `name-2.ext`, `name-3.ext`… — the first not yet in `folder`.
    static func unique(_ name: String, in folder: URL) -> String {
        var candidate = name
        var counter = 2
        let base = (name as NSString).deletingPathExtension
        let ext = (name as NSString).pathExtension
        while FileManager.default.fileExists(atPath: folder.appendingPathComponent(candidate).path) {
            candidate = ext.isEmpty ? "\(base)-\(counter)" : "\(base)-\(counter).\(ext)"
            counter += 1
        }
        return candidate
    }
}
