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
}
