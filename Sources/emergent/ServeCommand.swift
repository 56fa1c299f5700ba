import ArgumentParser
import EmergentCore
import EmergentEngine
import EmergentPlatform
import EmergentRemote
import EmergentServer
import EmergentStore
import Foundation
import Logging

/// `emergent serve`: the OpenAI-compatible server on the embedded engine, remote upstreams, or both.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the agent platform, its web UI and the OpenAI-compatible API.",
        discussion: """
            Without --config, serves one local model (--model, default: the installed default model) under --name. \
            With --config emergent.yaml, serves every local model and remote upstream pool the file lists; see the \
            README's configuration section. Agents, conversations, runs, files and keys are kept in \
            $EMERGENT_HOME/emergent.sqlite; the web UI is at the printed URL. Stop with SIGTERM or Ctrl-C: running \
            generations and agent runs get --shutdown-grace seconds to finish.
            """)

    @OptionGroup var engine: EngineOptionGroup

    @Option(name: .long, help: "Public model name (default: the GGUF file name without .gguf).")
    var name: String?

    @Option(name: .long, help: "Configuration file listing local models and remote upstreams.")
    var config: String?

    @Option(name: .long, help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on (0 picks a free one and prints it).")
    var port: Int = 8080

    @Option(name: .long, help: "Require 'Authorization: Bearer KEY' on API routes (default: $EMERGENT_API_KEY).")
    var apiKey: String?

    @Option(name: .long, help: "Requests decoded together (sequence slots in one llama context).")
    var parallel: Int = 4

    @Option(name: .long, help: "Requests that may wait for a slot before new ones get 503.")
    var queue: Int = 64

    @Option(name: .long, help: "Largest request body in MiB.")
    var bodyLimit: Int = 32

    @Option(name: .long, help: "Seconds running generations get to finish on shutdown.")
    var shutdownGrace: Double = 10

    @Option(name: .long, help: "The agent platform's admin key (default: $EMERGENT_ADMIN_KEY; one is generated on first start).")
    var adminKey: String?

    @Option(name: .long, help: "When a streaming client disconnects: 'continue' the run (default) or 'cancel' it.")
    var onDisconnect: String = "continue"

    @Option(name: .long, help: "Largest uploaded file in MiB.")
    var fileLimit: Int = 32

    mutating func run() async throws {
        var logger = Logger(label: "emergent.serve") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .info
        var options = ServerOptions(
            host: host, port: port,
            apiKey: apiKey ?? ProcessInfo.processInfo.environment["EMERGENT_API_KEY"].flatMap { $0.isEmpty ? nil : $0 },
            bodyLimit: bodyLimit << 20, shutdownGrace: .milliseconds(Int(shutdownGrace * 1000)))
        var served: [ServedModel] = []
        if let config {
            let file = try ServerConfiguration.load(from: config)
            if let listen = file.server {
                if let value = listen.host { options.host = value }
                if let value = listen.port { options.port = value }
                if let value = listen.bodyLimitMB { options.bodyLimit = value << 20 }
                if let value = listen.shutdownGraceSeconds { options.shutdownGrace = .milliseconds(Int(value * 1000)) }
            }
            if let key = file.apiKey { options.apiKey = key }
            for entry in file.models {
                if let path = entry.path {
                    let expanded = (path as NSString).expandingTildeInPath
                    var local = engine
                    local.model = expanded
                    if let value = entry.context { local.context = value }
                    if let value = entry.threads { local.threads = value }
                    served.append(
                        .local(
                            try await Self.loadLocal(
                                name: entry.name, engine: local, parallel: entry.parallel ?? parallel,
                                queue: entry.queue ?? queue, batchSize: entry.batchSize)))
                } else {
                    served.append(.remote(name: entry.name, pool: ServerConfiguration.pool(for: entry)))
                }
            }
        } else {
            let modelName = name ?? URL(fileURLWithPath: engine.modelPath).deletingPathExtension().lastPathComponent
            served.append(
                .local(
                    try await Self.loadLocal(
                        name: modelName, engine: engine, parallel: parallel, queue: queue, batchSize: nil)))
        }
        guard let policy = DisconnectPolicy(rawValue: onDisconnect) else {
            throw ValidationError("--on-disconnect is 'continue' or 'cancel', not '\(onDisconnect)'.")
        }
        let catalog = ModelCatalog(served)
        let paths = EmergentPaths()
        let store = try SQLiteStore(home: paths.home)
        let platformOptions = PlatformOptions(
            adminKey: adminKey ?? ProcessInfo.processInfo.environment["EMERGENT_ADMIN_KEY"].flatMap { $0.isEmpty ? nil : $0 },
            disconnectPolicy: policy, fileLimit: fileLimit << 20)
        let (platform, startup) = try await AgentPlatform.open(
            store: store, models: CatalogModelResolver(catalog: catalog), paths: paths, options: platformOptions,
            logger: logger)
        if startup.interruptedRuns > 0 {
            Terminal.error("Marked \(startup.interruptedRuns) run(s) left running by the previous process as interrupted.")
        }
        let server = EmergentServer(catalog: catalog, options: options, extensions: [platform])
        let host = options.host
        let auth = options.apiKey == nil ? "no API key" : "API key required"
        let names = served.map(\.name).joined(separator: ", ")
        try await server.run(logger: logger) { port in
            // Scripts wait for this exact line.
            Terminal.error("Emergent listening on http://\(host):\(port) (models: \(names); \(auth))")
            let base = "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)"
            if let key = startup.generatedAdminKey {
                Terminal.error("""
                    Admin key (shown once; save it, it is stored only as a hash): \(key)
                    Open the web UI: \(base)/#key=\(key)
                    """)
            } else {
                Terminal.error("Open the web UI: \(base)/ (sign in with your admin key)")
            }
            if let id = startup.defaultAgentID {
                Terminal.error("Created the default agent 'All Tools' (\(id)).")
            }
        }
        Terminal.error("Emergent stopped.")
    }

    static func loadLocal(
        name: String, engine: EngineOptionGroup, parallel: Int, queue: Int, batchSize: Int?
    ) async throws -> LocalModelService {
        let model = try await engine.loadModel()
        var session = engine.sessionOptions
        // Decode steps mix one token per stream with prompt chunks; 512 keeps a step short while prompts stream in.
        session.batchSize = batchSize ?? engine.batchSize ?? 512
        session.microBatchSize = min(session.microBatchSize, session.batchSize)
        return try await LocalModelService(
            name: name, model: model, options: BatchEngineOptions(session: session, slots: parallel, queueLimit: queue))
    }
}
