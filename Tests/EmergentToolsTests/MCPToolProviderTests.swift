import EmergentCore
import EmergentTools
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Real stdio MCP servers from PyPI (`mcp-server-time`, `mcp-server-git`), installed by `scripts/setup.sh --peers`
/// into `.deps/mcp-venv`.
@Suite("MCP servers over stdio", .serialized)
struct MCPToolProviderTests {
    static let venvBin = ToolTestSupport.repositoryRoot.appendingPathComponent(".deps/mcp-venv/bin")

    static func server(_ name: String) throws -> String {
        let path = venvBin.appendingPathComponent(name).path
        try #require(
            FileManager.default.isExecutableFile(atPath: path),
            "run scripts/setup.sh --peers: it installs \(name) into .deps/mcp-venv")
        return path
    }

    static func timeServer(prefix: Bool = false, callTimeout: Double = 60) throws -> MCPServerConfiguration {
        MCPServerConfiguration(
            name: "time", command: try server("mcp-server-time"), arguments: ["--local-timezone", "UTC"],
            prefixTools: prefix, callTimeoutSeconds: callTimeout)
    }

    /// Waits until the connection has noticed its process is gone.
    static func waitForExit(_ provider: MCPToolProvider) async throws {
        for _ in 0..<200 {
            if await provider.connection.processIdentifier == nil { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("the server's exit was not noticed within 5 s")
    }

    /// Runs git with `arguments` in `directory`, failing the test if git fails.
    static func git(_ arguments: [String], in directory: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        process.arguments = ["-c", "user.name=Test", "-c", "user.email=test@example.com"] + arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "git \(arguments.joined(separator: " ")) failed")
    }

    @Test("mcp-server-time lists its tools with their schemas and answers get_current_time for a timezone")
    func timeServerAnswers() async throws {
        let provider = try MCPToolProvider(configuration: try Self.timeServer())
        defer { Task { await provider.shutdown() } }
        let tools = try await provider.tools()
        #expect(Set(tools.map(\.spec.name)) == ["get_current_time", "convert_time"])
        let tool = try #require(tools.first { $0.spec.name == "get_current_time" })
        #expect(tool.spec.parameters["required"] == ["timezone"])
        #expect(tool.spec.parameters["properties"]?["timezone"]?["type"] == "string")

        let output = try await tool.call(["timezone": "Asia/Tokyo"], context: try ToolTestSupport.context())
        #expect(!output.isError)
        let answer = try JSONValue(parsing: output.text)
        #expect(answer["timezone"] == "Asia/Tokyo")
        #expect(answer["datetime"]?.stringValue?.hasSuffix("+09:00") == true)
    }

    @Test("tool names carry the server's prefix when asked, and bad arguments never reach the server")
    func prefixAndValidation() async throws {
        let provider = try MCPToolProvider(configuration: try Self.timeServer(prefix: true))
        defer { Task { await provider.shutdown() } }
        let tools = try await provider.tools()
        #expect(Set(tools.map(\.spec.name)) == ["time__get_current_time", "time__convert_time"])
        let tool = try #require(tools.first { $0.spec.name == "time__get_current_time" })
        let output = try await tool.call(["zone": "UTC"], context: try ToolTestSupport.context())
        #expect(output.isError)
        #expect(output.text.contains("timezone"))
    }

    @Test("a failing tool call on the server comes back as an error observation")
    func serverSideFailureIsAnError() async throws {
        let provider = try MCPToolProvider(configuration: try Self.timeServer())
        defer { Task { await provider.shutdown() } }
        let tool = try #require(try await provider.tools().first { $0.spec.name == "get_current_time" })
        let output = try await tool.call(["timezone": "Mars/Olympus_Mons"], context: try ToolTestSupport.context())
        #expect(output.isError)
        #expect(output.text.contains("Mars/Olympus_Mons"))
    }

    @Test("mcp-server-git reports status and log of a repository made in the test")
    func gitServerAnswers() async throws {
        let repository = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-git-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: repository, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: repository) }
        try Self.git(["init", "-q"], in: repository)
        try "hello\n".write(to: repository.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        try Self.git(["add", "README.md"], in: repository)
        try Self.git(["commit", "-q", "-m", "First commit of the test"], in: repository)
        try "draft\n".write(to: repository.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)

        let provider = try MCPToolProvider(
            configuration: MCPServerConfiguration(
                name: "git", command: try Self.server("mcp-server-git"), arguments: ["--repository", repository.path]))
        defer { Task { await provider.shutdown() } }
        let tools = try await provider.tools()
        let names = Set(tools.map(\.spec.name))
        #expect(names.isSuperset(of: ["git_status", "git_log", "git_diff_unstaged", "git_commit"]))
        let context = try ToolTestSupport.context()

        let status = try #require(tools.first { $0.spec.name == "git_status" })
        let statusOutput = try await status.call(["repo_path": .string(repository.path)], context: context)
        #expect(!statusOutput.isError)
        #expect(statusOutput.text.contains("notes.txt"))

        let log = try #require(tools.first { $0.spec.name == "git_log" })
        let logOutput = try await log.call(["repo_path": .string(repository.path)], context: context)
        #expect(!logOutput.isError)
        #expect(logOutput.text.contains("First commit of the test"))
    }

    @Test("a server killed with SIGKILL is restarted by the next call, which succeeds")
    func killedServerIsRestarted() async throws {
        let provider = try MCPToolProvider(configuration: try Self.timeServer())
        defer { Task { await provider.shutdown() } }
        let tool = try #require(try await provider.tools().first { $0.spec.name == "get_current_time" })
        let context = try ToolTestSupport.context()
        _ = try await tool.call(["timezone": "UTC"], context: context)
        let first = try #require(await provider.connection.processIdentifier)

        #expect(kill(first, SIGKILL) == 0)
        try await Self.waitForExit(provider)
        let output = try await tool.call(["timezone": "Europe/Paris"], context: context)
        #expect(!output.isError)
        #expect(output.text.contains("Europe/Paris"))
        let second = try #require(await provider.connection.processIdentifier)
        #expect(second != first)
        #expect(try await provider.tools().count == 2)
    }

    @Test("a server that cannot be restarted is reported clearly by the call and by tools()")
    func failedRestartIsReported() async throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-once-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: marker) }
        let script = """
            if [ -e "\(marker.path)" ]; then echo "config file vanished" >&2; exit 3; fi
            touch "\(marker.path)"
            exec "\(try Self.server("mcp-server-time"))"
            """
        let provider = try MCPToolProvider(
            configuration: MCPServerConfiguration(name: "flaky", command: "/bin/sh", arguments: ["-c", script]))
        defer { Task { await provider.shutdown() } }
        let tool = try #require(try await provider.tools().first { $0.spec.name == "get_current_time" })
        let pid = try #require(await provider.connection.processIdentifier)
        kill(pid, SIGKILL)
        try await Self.waitForExit(provider)

        let error = await #expect(throws: ToolError.self) {
            try await tool.call(["timezone": "UTC"], context: try ToolTestSupport.context())
        }
        let message = try #require(error?.message)
        #expect(message.contains("MCP server 'flaky' could not be started"))
        #expect(message.contains("status 3"))
        #expect(message.contains("config file vanished"))
        let listing = await #expect(throws: MCPServerError.self) { _ = try await provider.tools() }
        #expect(listing?.kind == .startFailed)
    }

    @Test("a command that exits at once makes tools() fail with its status")
    func serverThatExitsAtOnce() async throws {
        let provider = try MCPToolProvider(
            configuration: MCPServerConfiguration(
                name: "broken", command: "/bin/sh", arguments: ["-c", "echo 'no such module' >&2; exit 7"]))
        defer { Task { await provider.shutdown() } }
        let started = ContinuousClock.now
        let error = await #expect(throws: MCPServerError.self) { _ = try await provider.tools() }
        #expect(error?.kind == .startFailed)
        #expect(error?.message.contains("status 7") == true)
        #expect(error?.message.contains("no such module") == true)
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("a call the server does not answer in time is reported as a timeout, and the server still works after")
    func callTimeoutIsReported() async throws {
        let provider = try MCPToolProvider(configuration: try Self.timeServer(callTimeout: 1))
        defer { Task { await provider.shutdown() } }
        let tool = try #require(try await provider.tools().first { $0.spec.name == "get_current_time" })
        let pid = try #require(await provider.connection.processIdentifier)
        #expect(kill(pid, SIGSTOP) == 0)
        let started = ContinuousClock.now
        let error = await #expect(throws: ToolError.self) {
            try await tool.call(["timezone": "UTC"], context: try ToolTestSupport.context())
        }
        #expect(error?.message.contains("timed out") == true)
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(kill(pid, SIGCONT) == 0)
        let output = try await tool.call(["timezone": "UTC"], context: try ToolTestSupport.context())
        #expect(!output.isError)
    }
}
