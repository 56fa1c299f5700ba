import AsyncHTTPClient
import EmergentCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// llama.cpp's own `llama-server` on a free loopback port, serving the default model: a real OpenAI-compatible
/// server for the live tests. Set-up (`make setup-peers`) builds it into `.deps/peers/bin`.
final class LlamaServer: Sendable {
    let port: Int
    let logFile: URL
    private let process: RunningProcess

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }
    var origin: String { "http://127.0.0.1:\(port)" }

    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var executable: String { repositoryRoot.appendingPathComponent(".deps/peers/bin/llama-server").path }

    /// Qwen 2.5's template, from llama.cpp's sources: the base model has no template, and this one lets llama-server
    /// parse (and, with `tool_choice: required`, constrain) tool calls.
    static var chatTemplate: String {
        repositoryRoot.appendingPathComponent(
            ".deps/src/llama_cpp_python-0.3.36/vendor/llama.cpp/models/templates/Qwen-Qwen2.5-7B-Instruct.jinja"
        ).path
    }

    static var isAvailable: Bool {
        let files = FileManager.default
        return files.isExecutableFile(atPath: executable) && files.fileExists(atPath: EmergentPaths().defaultModel.path)
            && files.fileExists(atPath: chatTemplate)
    }

    /// The server of the enclosing `.llamaServer` suite.
    @TaskLocal static var current: LlamaServer?

    private init(port: Int, logFile: URL, process: RunningProcess) {
        self.port = port
        self.logFile = logFile
        self.process = process
    }

    /// Starts a server and waits until `GET /health` answers 200.
    static func start() async throws -> LlamaServer {
        let port = try await freePort()
        let logFile = FileManager.default.temporaryDirectory.appendingPathComponent("llama-server-\(port).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let process = Process()
        // `timeout` ends the server even if this test process dies without stopping it. SIGKILL, because the server
        // inherits this process's signal mask, in which the test runner's threads block SIGTERM.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = [
            "-s", "KILL", "1800", executable, "-m", EmergentPaths().defaultModel.path, "--host", "127.0.0.1", "--port",
            "\(port)",
            "-c", "2048", "-np", "2", "--jinja", "--chat-template-file", chatTemplate,
        ]
        let log = try FileHandle(forWritingTo: logFile)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let server = LlamaServer(port: port, logFile: logFile, process: RunningProcess(process))
        do {
            try await server.waitUntilHealthy()
        } catch {
            await server.stop()
            throw error
        }
        return server
    }

    func stop() async {
        await process.stop()
    }

    private func waitUntilHealthy() async throws {
        let deadline = ContinuousClock.now + .seconds(180)
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
                throw StartFailure(message: "llama-server exited during start-up:\n\(log.suffix(2000))")
            }
            let request = HTTPClientRequest(url: "\(origin)/health")
            if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)),
                response.status == .ok
            {
                return
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw StartFailure(message: "llama-server did not become healthy within 180 s (log: \(logFile.path))")
    }

    struct StartFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// A port nothing listens on right now: bound, read and released.
    static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }
}

/// A child process that can be killed from any task.
final class RunningProcess: @unchecked Sendable {
    private let process: Process  // Process does its own locking.

    init(_ process: Process) { self.process = process }

    var isRunning: Bool { process.isRunning }

    /// Kills the process and its group (`timeout` leads a group of its own, with the server in it), then waits
    /// for it without blocking a thread.
    func stop() async {
        guard process.isRunning else { return }
        _ = kill(-process.processIdentifier, SIGKILL)
        _ = kill(process.processIdentifier, SIGKILL)
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
    }
}

/// Runs a suite with a llama-server started for it and stopped after it (see `LlamaServer.current`).
struct LlamaServerScope: SuiteTrait, TestScoping {
    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let server = try await LlamaServer.start()
        do {
            try await LlamaServer.$current.withValue(server) { try await function() }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}

extension Trait where Self == LlamaServerScope {
    /// Starts a llama-server for the suite.
    static var llamaServer: Self { Self() }
}
