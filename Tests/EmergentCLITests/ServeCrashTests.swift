import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A background process started from the test, whose stderr (or stdout) goes to a file we can read while it runs.
final class BackgroundProcess: @unchecked Sendable {
    let process = Process()
    let log: URL

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        log = FileManager.default.temporaryDirectory.appendingPathComponent("emergent-bg-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Waits until the output matches `pattern` (first capture group returned) or the process exits.
    func wait(for pattern: String, seconds: Double = 120) async throws -> String {
        let regex = try NSRegularExpression(pattern: pattern)
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let text = output
            if let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
                let range = Range(match.range(at: match.numberOfRanges > 1 ? 1 : 0), in: text)
            {
                return String(text[range])
            }
            guard process.isRunning else { throw CrashTestFailure("the process exited: \(text)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CrashTestFailure("timed out waiting for /\(pattern)/ in: \(output)")
    }

    /// SIGKILL: no clean-up of any kind.
    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

struct CrashTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Plain HTTP with URLSession (this target links nothing else).
enum PlainHTTP {
    static func send(_ url: String, method: String = "GET", json: String? = nil, key: String) async throws -> (Int, Any?) {
        guard let address = URL(string: url) else { throw CrashTestFailure("bad URL \(url)") }
        var request = URLRequest(url: address)
        request.httpMethod = method
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.timeoutInterval = 60
        if let json { request.httpBody = Data(json.utf8) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        return (status, try? JSONSerialization.jsonObject(with: data))
    }
}

@Suite("emergent serve survives kill -9", .enabled(if: EmergentBinary.path != nil, "the emergent binary is not built"))
struct ServeCrashTests {
    @Test("kill -9 during a streaming run: after a restart the saved steps and messages are there, the run is interrupted")
    func crashSafety() async throws {
        let python = "/usr/bin/python3"
        let upstream = try BackgroundProcess(
            python, [EmergentBinary.root.appendingPathComponent("Tests/Compat/scripted_upstream.py").path,
                     "--code", "import time; time.sleep(120)"])
        defer { upstream.kill9() }
        let upstreamPort = try await upstream.wait(for: "listening on (\\d+)")
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("emergent-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        // The default model stays where set-up put it; only the platform's data lives in the fresh home.
        let models = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".emergent/models")
        try FileManager.default.createSymbolicLink(
            at: home.appendingPathComponent("models"), withDestinationURL: models)
        let config = home.appendingPathComponent("emergent.yaml")
        try """
            models:
              - name: scripted
                upstreams:
                  - { url: http://127.0.0.1:\(upstreamPort)/v1 }
            """.write(to: config, atomically: true, encoding: .utf8)
        let key = "emk-crash-test-admin"
        let binary = try #require(EmergentBinary.path)
        let arguments = ["serve", "--port", "0", "--config", config.path, "--admin-key", key, "--shutdown-grace", "1"]
        let environment = ["EMERGENT_HOME": home.path]
        let first = try BackgroundProcess(binary, arguments, environment: environment)
        let port = try await first.wait(for: "listening on http://127.0.0.1:(\\d+)")
        let base = "http://127.0.0.1:\(port)"

        let (created, agent) = try await PlainHTTP.send(
            base + "/v1/agents", method: "POST",
            json: #"{"name":"Crash","model":"scripted","tools":{"python":{}},"limits":{"tool_timeout_seconds":300}}"#,
            key: key)
        #expect(created == 201)
        let agentID = try #require((agent as? [String: Any])?["id"] as? String)
        // Start a streaming run and leave it going: the model step is saved, the python step sleeps.
        let streaming = Task {
            _ = try await PlainHTTP.send(
                base + "/v1/agents/\(agentID)/runs", method: "POST", json: #"{"input":"compute it","stream":true}"#,
                key: key)
        }
        defer { streaming.cancel() }
        var runID: String?
        for _ in 0..<300 where runID == nil {
            try await Task.sleep(for: .milliseconds(100))
            let (_, list) = try await PlainHTTP.send(base + "/v1/agents/\(agentID)/conversations", key: key)
            guard let conversation = ((list as? [String: Any])?["data"] as? [[String: Any]])?.first?["id"] as? String
            else { continue }
            let (_, detail) = try await PlainHTTP.send(base + "/v1/conversations/\(conversation)", key: key)
            guard let run = ((detail as? [String: Any])?["runs"] as? [[String: Any]])?.first?["id"] as? String else { continue }
            let (_, record) = try await PlainHTTP.send(base + "/v1/runs/\(run)", key: key)
            if ((record as? [String: Any])?["steps"] as? [Any])?.count == 1 { runID = run }
        }
        let run = try #require(runID, "the run's model step was never saved: \(first.output)")
        first.kill9()

        let second = try BackgroundProcess(binary, arguments, environment: environment)
        defer { second.kill9() }
        let newPort = try await second.wait(for: "listening on http://127.0.0.1:(\\d+)")
        #expect(second.output.contains("Marked 1 run(s)"), "\(second.output)")
        let (status, record) = try await PlainHTTP.send("http://127.0.0.1:\(newPort)/v1/runs/\(run)", key: key)
        #expect(status == 200)
        let object = try #require(record as? [String: Any])
        #expect(object["status"] as? String == "interrupted")
        let steps = object["steps"] as? [[String: Any]] ?? []
        #expect(steps.count == 1)
        #expect(steps.first?["kind"] as? String == "model")
        let conversation = try #require(object["conversation_id"] as? String)
        let (_, detail) = try await PlainHTTP.send("http://127.0.0.1:\(newPort)/v1/conversations/\(conversation)", key: key)
        let messages = ((detail as? [String: Any])?["messages"] as? [[String: Any]]) ?? []
        #expect(messages.map { $0["role"] as? String } == ["user", "assistant"])
        #expect((messages.last?["tool_calls"] as? [Any])?.count == 1)
    }
}

@Suite("emergent agents", .enabled(if: EmergentBinary.path != nil, "the emergent binary is not built"))
struct AgentsCommandTests {
    @Test("import → list → export gives an equivalent definition; a bad file exits 1 with line and column")
    func importExport() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("emergent-agents-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        setenv("EMERGENT_HOME", home.path, 1)
        defer { unsetenv("EMERGENT_HOME") }
        let file = home.appendingPathComponent("analyst.yaml")
        try """
            name: Analyst
            description: Reads data.
            instructions: |
              Use Python for every number.
              Say which file you read.
            model: default
            tools:
              python: {timeout_seconds: 20}
            limits: {max_tool_rounds: 5}
            welcome: Send me a CSV.
            suggested_prompts: [Summarise my data]
            """.write(to: file, atomically: true, encoding: .utf8)
        let imported = try EmergentBinary.run(["agents", "import", file.path])
        #expect(imported.status == 0, "\(imported.stderr)")
        let id = imported.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(id.hasPrefix("agt_"))
        let listed = try EmergentBinary.run(["agents", "list"])
        #expect(listed.stdout.contains(id) && listed.stdout.contains("Analyst") && listed.stdout.contains("v1"))
        let exported = try EmergentBinary.run(["agents", "export", id])
        #expect(exported.status == 0)
        #expect(exported.stdout.contains("Use Python for every number."))
        // The export imports again, to the same definition.
        let copy = home.appendingPathComponent("copy.yaml")
        try exported.stdout.write(to: copy, atomically: true, encoding: .utf8)
        let second = try EmergentBinary.run(["agents", "import", copy.path])
        let secondID = second.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let again = try EmergentBinary.run(["agents", "export", secondID])
        #expect(again.stdout == exported.stdout)

        let bad = home.appendingPathComponent("bad.yaml")
        try "name: Bad\nlimits:\n  max_tool_rounds: ten\n".write(to: bad, atomically: true, encoding: .utf8)
        let refused = try EmergentBinary.run(["agents", "import", bad.path])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("bad.yaml:3:"), "\(refused.stderr)")
        #expect(refused.stderr.contains("limits.max_tool_rounds"))
    }
}
