import EmergentCore
import EmergentEngine
import EmergentTools
import AsyncHTTPClient
import Foundation
import Logging

/// The running tools of one agent, built from its definition: a Python sandbox pool, a browser, a knowledge index,
/// HTTP functions, MCP servers, image generation. Owns their processes and clients; ``shutdown()`` stops them.
public struct AgentToolkit: Sendable {
    public let tools: [any Tool]
    public let providers: [any ToolProvider]

    /// Builds every tool kind the definition lists, in a fixed order (so the tool list, and the prompt, are the same
    /// on every run). Relative paths are resolved against `baseDirectory`.
    ///
    /// - Throws: ``AgentDefinitionError`` for bad settings, and the tool's own error (naming what to install or set)
    ///   when a tool cannot start — a missing sandbox venv, an MCP server that exits, a missing secret.
    public static func build(
        _ definition: AgentDefinition, baseDirectory: URL, paths: EmergentPaths = EmergentPaths(), logger: Logger
    ) async throws -> AgentToolkit {
        var providers: [any ToolProvider] = []
        do {
            for kind in AgentToolKind.allCases {
                guard let value = definition.tools[kind.rawValue] else { continue }
                providers += try await makeProviders(
                    kind, settings: value, definition: definition, baseDirectory: baseDirectory, paths: paths,
                    logger: logger)
            }
            var tools: [any Tool] = []
            var names: Set<String> = []
            for provider in providers {
                for tool in try await provider.tools() {
                    guard names.insert(tool.spec.name).inserted else {
                        throw AgentDefinitionError(
                            "two tools are named '\(tool.spec.name)'; rename a function or set prefix_tools on an MCP server")
                    }
                    tools.append(tool)
                }
            }
            return AgentToolkit(tools: tools, providers: providers)
        } catch {
            for provider in providers { await provider.shutdown() }
            throw error
        }
    }

    /// Forgets one conversation's tool state (its interpreter, its open pages).
    public func endConversation(_ conversationID: String) async {
        for provider in providers { await provider.endConversation(conversationID) }
    }

    /// Stops every process and client the tools hold.
    public func shutdown() async {
        for provider in providers { await provider.shutdown() }
    }

    private static func makeProviders(
        _ kind: AgentToolKind, settings value: JSONValue, definition: AgentDefinition, baseDirectory: URL,
        paths: EmergentPaths, logger: Logger
    ) async throws -> [any ToolProvider] {
        func path(_ text: String) -> URL {
            let expanded = (text as NSString).expandingTildeInPath
            return expanded.hasPrefix("/")
                ? URL(fileURLWithPath: expanded) : baseDirectory.appendingPathComponent(expanded)
        }
        switch kind {
        case .python:
            let settings = try AgentToolSettings.decode(AgentToolSettings.Python.self, from: value, kind: "python")
            var configuration = settings.configuration
            // Pre-started sandboxes hand their folder to a conversation by renaming it, which needs the same file
            // system as the conversations' folders ($EMERGENT_HOME/sandboxes by default).
            configuration.stagingDirectory = paths.home.appendingPathComponent("sandboxes/.staging", isDirectory: true)
            return [try await PythonToolProvider(
                configuration: configuration, virtualEnvironment: settings.venv.map { path($0) })]
        case .browser:
            let settings = try AgentToolSettings.decode(AgentToolSettings.Browser.self, from: value, kind: "browser")
            let browserSettings = settings.settings
            let search: SearchProviderSettings
            if let configured = settings.search {
                search = configured
            } else {
                let folder = paths.home.appendingPathComponent("web", isDirectory: true)
                try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                search = SearchProviderSettings(provider: .local, folder: folder.path)
            }
            // Search endpoints are the operator's own and trusted; the shared client needs no shutdown. Pages go
            // through the browser's own guarded client.
            let provider = try await search.makeProvider(client: .shared, relativeTo: baseDirectory)
            return [BrowserProvider(searchProvider: provider, settings: browserSettings, logger: logger)]
        case .knowledge:
            let settings = try AgentToolSettings.decode(AgentToolSettings.Knowledge.self, from: value, kind: "knowledge")
            var files = (definition.knowledge ?? []).map { path($0) }
            var folders = (settings.folders ?? []).map { path($0) }
            if definition.knowledge == nil && settings.folders == nil {
                let folder = paths.home.appendingPathComponent("knowledge", isDirectory: true)
                try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                folders.append(folder)
            }
            for folder in folders {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
                files += names.sorted().filter { !$0.hasPrefix(".") }.map { folder.appendingPathComponent($0) }
            }
            let base = try KnowledgeBase(embedder: try await embedder(settings.embeddings, paths: paths), logger: logger)
            let report = try await base.index(files: files)
            for (file, reason) in report.failed.sorted(by: { $0.key < $1.key }) {
                logger.warning("knowledge file not indexed", metadata: ["file": "\(file)", "reason": "\(reason)"])
            }
            return [KnowledgeProvider(base: base)]
        case .functions, .openapi:
            let settings: FunctionSettings
            if kind == .functions {
                settings = FunctionSettings(
                    functions: try AgentToolSettings.decode([FunctionDefinition].self, from: value, kind: "functions"))
            } else {
                var sources = try AgentToolSettings.decode([OpenAPISource].self, from: value, kind: "openapi")
                for index in sources.indices where !sources[index].location.contains("://") {
                    sources[index].location = path(sources[index].location).path
                }
                settings = FunctionSettings(openapi: sources)
            }
            return [try await FunctionToolProvider.load(settings, logger: logger)]
        case .mcp:
            let servers = try AgentToolSettings.decode([MCPServerConfiguration].self, from: value, kind: "mcp")
            return try servers.map { try MCPToolProvider(configuration: $0, logger: logger) }
        case .image:
            let settings = try AgentToolSettings.decode(ImageGenerationSettings.self, from: value, kind: "image")
            return [try ImageGenerationToolProvider(settings: settings, logger: logger)]
        }
    }

    /// The passage embedder a knowledge setting asks for.
    private static func embedder(_ setting: JSONValue?, paths: EmergentPaths) async throws -> (any PassageEmbedder)? {
        let modelPath: String
        switch setting {
        case .bool(true)?: modelPath = paths.defaultModel.path
        case .string(let path)?: modelPath = path
        default: return nil
        }
        let model = try await Model.load(from: modelPath)
        return EnginePassageEmbedder(embedder: try await Embedder(model: model))
    }
}
