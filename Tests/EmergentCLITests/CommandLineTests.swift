import Foundation
import Testing

/// Runs the built `emergent` binary the way a user does.
struct EmergentBinary {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var path: String? {
        for configuration in ["debug", "release"] {
            let candidate = root.appendingPathComponent(".build/\(configuration)/emergent").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], input: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(
            fileURLWithPath: try #require(path, "build the emergent binary first (swift build)"))
        process.arguments = arguments
        // Files, not pipes: the child can never block on a full pipe while we wait for it.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "emergent-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = ["in", "out", "err"].map { directory.appendingPathComponent($0) }
        try Data((input ?? "").utf8).write(to: files[0])
        for file in files.dropFirst() { _ = FileManager.default.createFile(atPath: file.path, contents: nil) }
        process.standardInput = try FileHandle(forReadingFrom: files[0])
        process.standardOutput = try FileHandle(forWritingTo: files[1])
        process.standardError = try FileHandle(forWritingTo: files[2])
        try process.run()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: try String(contentsOf: files[1], encoding: .utf8),
            stderr: try String(contentsOf: files[2], encoding: .utf8))
    }
}

@Suite("The emergent command line", .enabled(if: EmergentBinary.path != nil, "the emergent binary is not built"))
struct CommandLineTests {
    @Test("generate --json prints one object with text, tokens, usage and timings")
    func generateJSON() throws {
        let result = try EmergentBinary.run([
            "generate", "--prompt", "The sky is", "--max-tokens", "6", "--json", "--logprobs", "2",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((object["tokens"] as? [Int])?.count ?? 0 <= 6)
        #expect(object["text"] is String)
        let usage = try #require(object["usage"] as? [String: Any])
        #expect(usage["prompt_tokens"] as? Int == 4)
        #expect((object["logprobs"] as? [[String: Any]])?.first?["top"] is [[String: Any]])
        #expect(["stop", "length"].contains(object["finish_reason"] as? String ?? ""))
    }

    @Test("model info --json describes the default model")
    func modelInfo() throws {
        let result = try EmergentBinary.run(["model", "info", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let metadata = try #require(object["metadata"] as? [String: Any])
        #expect(metadata["architecture"] as? String == "gemma3")
        #expect(object["tensor_count"] as? Int == 236)
    }

    @Test(
        "bad input exits 1 with an error and a hint, not a crash",
        arguments: [
            (["generate", "--model", "/nonexistent/model.gguf", "--prompt", "x"], "No model file"),
            (["generate", "--prompt", "x", "--max-tokens", "0"], "Invalid max tokens 0"),
            (
                ["model", "info", EmergentBinary.root.appendingPathComponent("Package.swift").path],
                "is not a GGUF model file"
            ),
        ])
    func badInput(arguments: [String], message: String) throws {
        let result = try EmergentBinary.run(arguments)
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: "), "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        if !message.contains("max tokens") { #expect(result.stderr.contains("hint: ")) }
    }

    @Test("chat answers a message, reports its speed, and exits on /exit")
    func chat() throws {
        let result = try EmergentBinary.run(["chat", "--max-tokens", "8"], input: "Hello there\n/exit\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("tok/s"))
        #expect(result.stdout.contains("> "))
    }

    static let templates = EmergentBinary.root.appendingPathComponent(
        ".deps/src/llama_cpp_python-0.3.36/vendor/llama.cpp/models/templates")

    @Test("template render prints exactly the prompt, with pinned time and custom BOS")
    func templateRender() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "emergent-tpl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let messages = directory.appendingPathComponent("messages.json")
        try #"[{"role": "user", "content": "Hi 👋"}]"#.write(to: messages, atomically: true, encoding: .utf8)
        let template = directory.appendingPathComponent("t.jinja")
        try
            "{{ bos_token }}{% for m in messages %}[{{ m.role }}] {{ m.content }}\n{% endfor %}{{ strftime_now('%Y-%m-%d') }}{% if add_generation_prompt %}>{% endif %}\n"
            .write(to: template, atomically: true, encoding: .utf8)

        let result = try EmergentBinary.run([
            "template", "render", "--template", template.path, "--messages", messages.path, "--bos", "<B>", "--now",
            "2026-01-02T03:04:05",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "<B>[user] Hi 👋\n2026-01-02>")
        let noPrompt = try EmergentBinary.run([
            "template", "render", "--template", template.path, "--messages", messages.path, "--no-generation-prompt",
            "--now", "2026-01-02T03:04:05",
        ])
        #expect(noPrompt.stdout == "[user] Hi 👋\n2026-01-02")

        let real = try EmergentBinary.run([
            "template", "render", "--template", Self.templates.appendingPathComponent("Qwen-Qwen3-0.6B.jinja").path,
            "--messages", messages.path,
        ])
        #expect(real.stdout == "<|im_start|>user\nHi 👋<|im_end|>\n<|im_start|>assistant\n")
    }

    @Test("template render exits non-zero with the template's message when it raises, or when there is no template")
    func templateRenderErrors() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "emergent-tpl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let messages = directory.appendingPathComponent("messages.json")
        try #"[{"role": "system", "content": "x"}, {"role": "user", "content": "y"}]"#.write(
            to: messages, atomically: true, encoding: .utf8)
        let raising = try EmergentBinary.run([
            "template", "render", "--template",
            Self.templates.appendingPathComponent("google-gemma-2-2b-it.jinja").path,
            "--messages", messages.path,
        ])
        #expect(raising.status == 1)
        #expect(raising.stdout.isEmpty)
        #expect(raising.stderr.contains("System role not supported"))

        let noTemplate = try EmergentBinary.run([
            "template", "render", "--model", TestPaths.defaultModel, "--messages", messages.path,
        ])
        #expect(noTemplate.status == 1)
        #expect(noTemplate.stderr.contains("has no chat template"))

        try "[{\"role\": ".write(to: messages, atomically: true, encoding: .utf8)
        let badJSON = try EmergentBinary.run([
            "template", "render", "--template", Self.templates.appendingPathComponent("Qwen-Qwen3-0.6B.jinja").path,
            "--messages", messages.path,
        ])
        #expect(badJSON.status == 1)
        #expect(badJSON.stderr.contains("not valid JSON"))
    }
}

/// Where set-up puts the default model.
enum TestPaths {
    static var defaultModel: String {
        let home =
            ProcessInfo.processInfo.environment["EMERGENT_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".emergent")
        return home.appendingPathComponent("models/gemma-3-270m-q4_k_m.gguf").path
    }
}

@Suite("emergent ask", .enabled(if: EmergentBinary.path != nil, "the emergent binary is not built"), .serialized)
struct AskCommandTests {
    static func agentFile(_ yaml: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("emergent-agent-\(UUID().uuidString).yaml")
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test("ask --json runs a turn on the default model and prints its trajectory")
    func askJSON() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("emergent-ask-\(UUID().uuidString)")
        let agent = try Self.agentFile("""
            name: calculator
            tools: [python]
            sampling: { max_tokens: 96 }
            limits: { max_tool_rounds: 1 }
            """)
        let result = try EmergentBinary.run([
            "ask", "What is 6 times 7?", "--agent", agent, "--json", "--workdir", home.path, "--require-tools", "1",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["agent"] as? String == "calculator")
        #expect(object["status"] as? String == "completed")
        let steps = try #require(object["steps"] as? [[String: Any]])
        #expect(steps.first?["kind"] as? String == "model")
        #expect(steps.contains { $0["tool"] as? String == "python" }, "the first call was required to call a tool")
        #expect((object["usage"] as? [String: Any])?["prompt_tokens"] as? Int ?? 0 > 0)
    }

    @Test("an unreachable --base-url fails the run with the backend's advice and a clean exit 1")
    func unreachableServer() throws {
        let agent = try Self.agentFile("name: remote\ntools: [python]\nlimits: { max_wall_seconds: 60 }")
        let result = try EmergentBinary.run([
            "ask", "hi", "--agent", agent, "--base-url", "http://127.0.0.1:9/v1", "--model", "any",
        ])
        #expect(result.status == 1, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("The model failed: Could not connect to http://127.0.0.1:9/v1"))
        #expect(!result.stderr.contains("Fatal error"))
    }

    @Test(
        "a bad agent file exits 1 naming the problem",
        arguments: [
            ("name: x\ntools: [python, teleport]", "unknown tool 'teleport'"),
            ("tools: [python]", ":1:1: name: expected a non-empty string"),
            ("name: x\nlimits: { max_tool_rounds: lots }", #":2:28: limits.max_tool_rounds: expected a whole number ≥ 0, found "lots""#),
        ])
    func badAgentFile(yaml: String, expected: String) throws {
        let result = try EmergentBinary.run(["ask", "hi", "--agent", try Self.agentFile(yaml)])
        #expect(result.status == 1)
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(result.stderr.contains("hint:"))
    }
}
