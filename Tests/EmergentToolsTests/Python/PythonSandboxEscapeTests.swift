import EmergentCore
import EmergentTools
import Foundation
import Testing

/// Each attempt to get out of the sandbox or to exhaust the machine is contained, says so, and leaves the
/// conversation usable. Serialized, so a fork or memory bomb does not compete with the other attempts.
@Suite("python sandbox: escapes are contained", .serialized)
struct PythonSandboxEscapeTests {
    @Test func networkConnectionsFail() async throws {
        try await PythonSandboxFixture.withTool { tool, _ in
            let context = PythonSandboxFixture.context()
            let output = try await tool.run(
                """
                import socket
                for host, port in [("1.1.1.1", 53), ("127.0.0.1", 22), ("8.8.8.8", 443)]:
                    try:
                        socket.create_connection((host, port), timeout=1).close()
                        print(host, "CONNECTED")
                    except OSError as error:
                        print(host, "blocked", type(error).__name__)
                """, in: context)
            #expect(!output.text.contains("CONNECTED"), "\(output.text)")
            #expect(output.text.components(separatedBy: "blocked").count == 4, "\(output.text)")
            try await expectUsable(tool, context)
        }
    }

    @Test func hostHomeAndShadowCannotBeRead() async throws {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "/root"
        let secretFile = URL(fileURLWithPath: home).appendingPathComponent("emergent-sandbox-secret-\(UUID().uuidString)")
        try "host secret 4b1d".write(to: secretFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: secretFile) }
        try await PythonSandboxFixture.withTool { tool, _ in
            let context = PythonSandboxFixture.context()
            let output = try await tool.run(
                """
                import os
                for path in [\(JSONValue.string(secretFile.path).compactJSON), "/etc/shadow", "/etc/passwd"]:
                    try:
                        print(path, "READ", open(path).read())
                    except OSError as error:
                        print(path, "blocked", type(error).__name__)
                print("home listing:", os.path.exists(\(JSONValue.string(home).compactJSON)) and os.listdir(\(JSONValue.string(home).compactJSON)))
                """, in: context)
            #expect(!output.text.contains("READ"), "\(output.text)")
            #expect(!output.text.contains("4b1d"))
            #expect(output.text.components(separatedBy: "blocked").count == 4, "\(output.text)")
            #expect(output.text.contains("home listing: False"), "\(output.text)")
            try await expectUsable(tool, context)
        }
    }

    @Test func writingOutsideTheWorkFolderFails() async throws {
        let marker = "emergent-escape-\(UUID().uuidString)"
        let targets = ["/usr", "/etc", "", "/work", "/opt/emergent-python", FileManager.default.currentDirectoryPath]
        defer {
            for folder in targets { try? FileManager.default.removeItem(atPath: "\(folder)/\(marker)") }
        }
        try await PythonSandboxFixture.withTool { tool, _ in
            let context = PythonSandboxFixture.context()
            let list = JSONValue.array(targets.map { .string("\($0)/\(marker)") }).compactJSON
            let output = try await tool.run(
                """
                for path in \(list):
                    try:
                        with open(path, "w") as handle:
                            handle.write("x")
                        print(path, "WROTE")
                    except OSError as error:
                        print(path, "blocked", type(error).__name__)
                open("/mnt/data/allowed.txt", "w").write("ok")
                """, in: context)
            #expect(!output.text.contains("WROTE"), "\(output.text)")
            #expect(output.text.components(separatedBy: "blocked").count == targets.count + 1, "\(output.text)")
            for folder in targets {
                #expect(!FileManager.default.fileExists(atPath: "\(folder)/\(marker)"), "escaped into \(folder)")
            }
            #expect(output.artifacts.map(\.name) == ["allowed.txt"])
            try await expectUsable(tool, context)
        }
    }

    @Test func forkBombIsStoppedByTheProcessLimit() async throws {
        try await PythonSandboxFixture.withTool(PythonSandboxFixture.configuration(maxProcesses: 48)) { tool, _ in
            let context = PythonSandboxFixture.context()
            let output = try await tool.run(
                """
                import os, time
                children = []
                try:
                    for _ in range(5000):
                        pid = os.fork()
                        if pid == 0:
                            time.sleep(60)
                            os._exit(0)
                        children.append(pid)
                    print("forked all", len(children))
                except OSError as error:
                    print("fork refused after", len(children), type(error).__name__)
                for pid in children:
                    os.kill(pid, 9)
                    os.waitpid(pid, 0)
                """, in: context)
            #expect(output.text.contains("fork refused after"), "\(output.text)")
            let count = output.text.split(separator: " ").compactMap { Int($0) }.first ?? .max
            #expect(count < 48, "\(output.text)")
            try await expectUsable(tool, context)
        }
    }

    @Test func memoryBombHitsTheMemoryLimit() async throws {
        try await PythonSandboxFixture.withTool { tool, _ in
            let context = PythonSandboxFixture.context()
            _ = try await tool.run("kept = 'state survives'", in: context)
            let output = try await tool.run(
                "blocks = []\nwhile True:\n    blocks.append(bytearray(64 * 1024 * 1024))", in: context)
            #expect(output.isError)
            #expect(output.text.contains("MemoryError"), "\(output.text)")
            let after = try await tool.run("del blocks\nkept", in: context)
            #expect(after.text == "'state survives'\n")
        }
    }

    @Test func killedInterpreterIsReportedAndReplaced() async throws {
        try await PythonSandboxFixture.withTool { tool, _ in
            let context = PythonSandboxFixture.context()
            _ = try await tool.run("value = 1", in: context)
            let output = try await tool.run("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", in: context)
            #expect(output.isError)
            #expect(output.text.contains("interpreter was killed"), "\(output.text)")
            let after = try await tool.run("'value' in globals()", in: context)
            #expect(after.text.contains("variables and imports from earlier calls are lost"))
            #expect(after.text.hasSuffix("False\n"))
        }
    }

    @Test func infiniteLoopIsKilledAtTheTimeoutAndTheNextCallStartsFresh() async throws {
        try await PythonSandboxFixture.withTool(PythonSandboxFixture.configuration(timeout: .seconds(2))) { tool, _ in
            let context = PythonSandboxFixture.context()
            _ = try await tool.run("value = 1", in: context)
            let started = ContinuousClock.now
            let output = try await tool.run("while True:\n    pass", in: context)
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(output.isError)
            #expect(output.text.contains("ran longer than 2 s"), "\(output.text)")
            let after = try await tool.run("'value' in globals()", in: context)
            #expect(after.text.contains("variables and imports from earlier calls are lost"))
            #expect(after.text.hasSuffix("False\n"))
        }
    }

    @Test func hugeOutputIsTruncatedInsideTheSandbox() async throws {
        try await PythonSandboxFixture.withTool(PythonSandboxFixture.configuration(timeout: .seconds(5))) { tool, _ in
            let context = PythonSandboxFixture.context()
            let output = try await tool.run(
                "print('x' * 100_000_000)\nimport os\nos.write(1, b'y' * 10_000_000)\n'done'", in: context)
            #expect(!output.isError, "\(output.text.suffix(300))")
            #expect(output.text.utf8.count < 70_000)
            #expect(output.text.contains("[output truncated: "))
            #expect(output.text.hasPrefix("xxxxxxxx"))
            try await expectUsable(tool, context)
        }
    }

    private func expectUsable(_ tool: PythonTool, _ context: ToolContext) async throws {
        let output = try await tool.run("6 * 7", in: context)
        #expect(output.text.hasSuffix("42\n"), "the next call works: \(output.text)")
    }
}
