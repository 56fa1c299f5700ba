import EmergentCore
import Foundation
import Logging
import MCP

#if canImport(System)
    import System
#else
    @preconcurrency import SystemPackage
#endif

/// One stdio MCP server process and the MCP client talking to it, restarted when it has died.
///
/// The process is started on first use. When it exits (crash, kill, broken pipe), requests in flight fail with
/// ``MCPServerError/Kind/exited`` and the next request starts it again and re-initialises, once; if that start
/// fails, the request fails with ``MCPServerError/Kind/startFailed`` and the server's last stderr lines.
public actor MCPServerConnection {
    public let configuration: MCPServerConfiguration
    private let environment: [String: String]
    private let logger: Logger

    /// A running server: its process, pipes, client and exit flag.
    private struct Running {
        var process: Process
        var client: Client
        var stdin: Pipe
        var stdout: Pipe
        var stderr: Pipe
        var exit: ExitFlag
        var stderrTail: StderrTail
        var tools: [MCP.Tool]?
    }

    private var running: Running?
    private var starting: Task<Void, any Error>?
    private var generation = 0
    private var isShutDown = false
    /// The exit of the last process, for messages about restarts.
    private var lastExit: String?

    /// - Throws: ``ToolConfigurationError`` when the environment references an unset variable.
    public init(
        configuration: MCPServerConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "emergent.tools.mcp")
    ) throws(ToolConfigurationError) {
        var serverEnvironment = configuration.inheritEnvironment ? environment : [:]
        for (name, value) in configuration.environment {
            let expanded = EnvironmentTemplate.expand(value, environment: environment)
            if let missing = expanded.missing {
                throw .missingVariable(missing, in: "MCP server '\(configuration.name)' (environment \(name))")
            }
            serverEnvironment[name] = expanded.text
        }
        guard !configuration.command.isEmpty else {
            throw ToolConfigurationError(.invalidDefinition, "MCP server '\(configuration.name)' has an empty command")
        }
        self.configuration = configuration
        self.environment = serverEnvironment
        var logger = logger
        logger[metadataKey: "mcp_server"] = "\(configuration.name)"
        self.logger = logger
    }

    /// The server process's id while it runs (for diagnostics).
    public var processIdentifier: Int32? {
        guard let running, running.exit.exitStatus == nil else { return nil }
        return running.process.processIdentifier
    }

    /// The server's tools, starting it if needed. The list is kept until the process exits.
    public func listTools() async throws(MCPServerError) -> [MCP.Tool] {
        let current = try await ensureRunning()
        if let tools = current.tools { return tools }
        let client = current.client
        var tools: [MCP.Tool] = []
        var cursor: String?
        repeat {
            let page = try await request(
                "tools/list", running: current, timeout: .seconds(configuration.startTimeoutSeconds)
            ) { [cursor] in
                try await client.send(ListTools.request(cursor.map { ListTools.Parameters(cursor: $0) } ?? ListTools.Parameters()))
            }
            tools += page.tools
            cursor = page.nextCursor
        } while cursor != nil
        if running?.exit === current.exit { running?.tools = tools }
        return tools
    }

    /// Calls one tool, starting (or restarting) the server first if needed.
    public func callTool(name: String, arguments: [String: Value], timeout: Duration) async throws(MCPServerError)
        -> CallTool.Result
    {
        let current = try await ensureRunning()
        let client = current.client
        return try await request("tools/call \(name)", running: current, timeout: timeout) {
            try await client.send(CallTool.request(.init(name: name, arguments: arguments)))
        }
    }

    /// Stops the server: closes its stdin, waits briefly, then kills it. Later requests fail.
    public func shutdown() async {
        isShutDown = true
        starting?.cancel()
        if let current = running { await stop(current) }
        running = nil
    }

    // MARK: - Requests

    private func request<Result: Sendable>(
        _ what: String, running current: Running, timeout: Duration,
        _ send: @escaping @Sendable () async throws -> RequestContext<Result>
    ) async throws(MCPServerError) -> Result {
        let context: RequestContext<Result>
        do {
            context = try await send()
        } catch {
            throw MCPServerError(.requestFailed, "MCP server '\(configuration.name)': \(what) could not be sent: \(error)")
        }
        let exit = current.exit
        let client = current.client
        do {
            return try await FirstResult.of([
                { try await context.value },
                {
                    try await Task.sleep(for: timeout)
                    throw MCPServerError(
                        .timedOut, "MCP server '\(self.configuration.name)': \(what) timed out after \(timeout); "
                            + "the server may be stuck or the task too large: try again, or raise call_timeout_seconds")
                },
                {
                    while exit.exitStatus == nil { try await Task.sleep(for: .milliseconds(50)) }
                    throw MCPServerError(.exited, "")
                },
            ])
        } catch let error as MCPServerError where error.kind == .timedOut {
            try? await client.cancelRequest(context.requestID, reason: "timed out after \(timeout)")
            throw error
        } catch let error as MCPServerError where error.kind == .exited {
            await handleExit(of: current)
            throw MCPServerError(
                .exited,
                "MCP server '\(configuration.name)' exited during \(what) (\(lastExit ?? "unknown status"))"
                    + stderrNote(current.stderrTail) + "; the next call restarts it")
        } catch is CancellationError {
            try? await client.cancelRequest(context.requestID, reason: "cancelled")
            throw MCPServerError(.requestFailed, "MCP server '\(configuration.name)': \(what) was cancelled")
        } catch {
            throw MCPServerError(.requestFailed, "MCP server '\(configuration.name)': \(what) failed: \(error)")
        }
    }

    // MARK: - Process life

    private func ensureRunning() async throws(MCPServerError) -> Running {
        guard !isShutDown else {
            throw MCPServerError(.startFailed, "MCP server '\(configuration.name)' has been shut down")
        }
        if let current = running {
            if current.exit.exitStatus == nil { return current }
            await handleExit(of: current)
        }
        if let starting {
            do { try await starting.value } catch { throw error as? MCPServerError ?? startError("\(error)") }
        } else {
            let task = Task { try await self.start() }
            starting = task
            defer { starting = nil }
            do { try await task.value } catch { throw error as? MCPServerError ?? startError("\(error)") }
        }
        guard let current = running else { throw startError("the server exited right after starting") }
        return current
    }

    private func startError(_ detail: String) -> MCPServerError {
        MCPServerError(.startFailed, "MCP server '\(configuration.name)' could not be started: \(detail)")
    }

    private func stderrNote(_ tail: StderrTail) -> String {
        let lines = tail.lastLines
        return lines.isEmpty ? "" : "; its stderr ended with:\n\(lines)"
    }

    private func start() async throws {
        Self.ignoreBrokenPipes()
        generation += 1
        let restart = lastExit != nil
        let process = Process()
        process.executableURL = try resolveExecutable()
        process.arguments = configuration.arguments
        process.environment = environment
        if let directory = configuration.workingDirectory {
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
        }
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        let exit = ExitFlag()
        let tail = StderrTail()
        stderr.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                tail.close()
            } else {
                tail.append(data)
            }
        }
        process.terminationHandler = { finished in
            let signalled = finished.terminationReason == .uncaughtSignal
            exit.set("\(signalled ? "signal" : "status") \(finished.terminationStatus)")
        }
        do {
            try process.run()
        } catch {
            stderr.fileHandleForReading.readabilityHandler = nil
            throw startError("cannot run '\(configuration.command)': \(error)")
        }
        logger.debug(
            "MCP server process spawned",
            metadata: ["pid": "\(process.processIdentifier)", "command": "\(configuration.command)"])

        let transport = StdioTransport(
            input: FileDescriptor(rawValue: stdout.fileHandleForReading.fileDescriptor),
            output: FileDescriptor(rawValue: stdin.fileHandleForWriting.fileDescriptor), logger: logger)
        let client = Client(name: "emergent", version: "1.0")
        let candidate = Running(
            process: process, client: client, stdin: stdin, stdout: stdout, stderr: stderr, exit: exit,
            stderrTail: tail, tools: nil)
        let timeout = Duration.seconds(configuration.startTimeoutSeconds)
        let name = configuration.name
        do {
            _ = try await FirstResult.of([
                { @Sendable in _ = try await client.connect(transport: transport) },
                { @Sendable in
                    try await Task.sleep(for: timeout)
                    throw MCPServerError(.startFailed, "the MCP handshake did not finish within \(timeout)")
                },
                { @Sendable in
                    while exit.exitStatus == nil { try await Task.sleep(for: .milliseconds(20)) }
                    throw MCPServerError(.startFailed, "")
                },
            ])
        } catch {
            await stop(candidate)
            let reason: String
            if let status = exit.exitStatus {
                reason = "it exited (\(status)) during the MCP handshake"
            } else if let error = error as? MCPServerError {
                reason = error.message
            } else {
                reason = "the MCP handshake failed: \(error)"
            }
            let before = restart ? " (restarting after it \(lastExit ?? "exited"))" : ""
            throw MCPServerError(
                .startFailed,
                "MCP server '\(name)' could not be started\(before): \(reason); command: \(commandLine)"
                    + stderrNote(tail))
        }
        running = candidate
        logger.info(
            restart ? "MCP server restarted" : "MCP server started",
            metadata: ["pid": "\(process.processIdentifier)", "command": "\(configuration.command)"])
    }

    private var commandLine: String {
        ([configuration.command] + configuration.arguments).joined(separator: " ")
    }

    /// Forgets an exited process, once, after disconnecting its client and closing its pipes.
    private func handleExit(of exited: Running) async {
        guard running?.exit === exited.exit else { return }
        running = nil
        let status = exited.exit.exitStatus ?? "unknown status"
        lastExit = "exited with \(status)"
        logger.warning("MCP server exited", metadata: ["status": "\(status)"])
        await stop(exited)
    }

    /// Disconnects the client, closes stdin, waits up to two seconds, then SIGKILLs the process.
    private func stop(_ current: Running) async {
        await current.client.disconnect()
        try? current.stdin.fileHandleForWriting.close()
        var waited = 0
        while current.exit.exitStatus == nil && waited < 40 {
            try? await Task.sleep(for: .milliseconds(50))
            waited += 1
        }
        if current.exit.exitStatus == nil {
            kill(current.process.processIdentifier, SIGKILL)
            for _ in 0..<40 where current.exit.exitStatus == nil { try? await Task.sleep(for: .milliseconds(25)) }
        }
        for _ in 0..<20 where !current.stderrTail.isClosed { try? await Task.sleep(for: .milliseconds(25)) }
        current.stderr.fileHandleForReading.readabilityHandler = nil
        try? current.stdout.fileHandleForReading.close()
    }

    private func resolveExecutable() throws(MCPServerError) -> URL {
        let command = configuration.command
        if command.contains("/") {
            let base = configuration.workingDirectory.map(URL.init(fileURLWithPath:))
            return URL(fileURLWithPath: command, relativeTo: base).standardizedFileURL
        }
        let path = environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(command)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw startError("'\(command)' was not found on PATH (\(path)); give its full path")
    }

    /// A server that dies while we write to it must not take this process down with SIGPIPE.
    private static func ignoreBrokenPipes() {
        _ = brokenPipesIgnored
    }

    private static let brokenPipesIgnored: Bool = {
        signal(SIGPIPE, SIG_IGN)
        return true
    }()
}
