import EmergentCore
import EmergentEngine
import Foundation

/// llama.cpp's own tools, built from the same source as libllama, used as reference peers.
struct PeerTools {
    /// The repository checkout that holds `scripts/setup.sh` and `.deps/`.
    let root: URL

    var binDirectory: URL { root.appendingPathComponent(".deps/peers/bin") }

    /// Finds the checkout from `EMERGENT_ROOT` or from the running binary's location (`.build/…/emergent`),
    /// building the peers once if they are missing.
    static func locate() throws -> PeerTools {
        let tools = PeerTools(root: try locateRoot())
        if !FileManager.default.isExecutableFile(atPath: tools.binDirectory.appendingPathComponent("llama-bench").path)
        {
            Terminal.error("llama-bench is missing; building the llama.cpp peers once (scripts/setup.sh --peers) …")
            let status = try run(
                tools.root.appendingPathComponent("scripts/setup.sh").path, ["--peers"], capture: false
            ).status
            guard status == 0 else {
                throw CommandFailure(
                    message: "Building the peers failed (exit \(status)). Run scripts/setup.sh --peers to see why.")
            }
        }
        return tools
    }

    /// The checkout that holds `scripts/setup.sh`: `EMERGENT_ROOT`, or above the running binary, or the current folder.
    static func locateRoot() throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [URL] = []
        if let root = environment["EMERGENT_ROOT"] { candidates.append(URL(fileURLWithPath: root)) }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(directory)
            directory = directory.deletingLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        guard
            let root = candidates.first(where: {
                FileManager.default.fileExists(atPath: $0.appendingPathComponent("scripts/setup.sh").path)
            })
        else {
            throw CommandFailure(
                message:
                    "Cannot find the Emergent checkout that builds llama-bench. Set EMERGENT_ROOT to the checkout."
            )
        }
        return root
    }

    /// Runs one llama-bench test (prompt processing when `genTokens` is 0, generation when `promptTokens` is 0) and
    /// returns its tokens per second and llama.cpp's build id.
    func llamaBench(model: String, threads: Int, promptTokens: Int, genTokens: Int) throws -> (
        rate: Double, build: String
    ) {
        let binary = binDirectory.appendingPathComponent("llama-bench").path
        let result = try Self.run(
            binary,
            [
                "-m", model, "-t", "\(threads)", "-p", "\(promptTokens)", "-n", "\(genTokens)", "-r", "1", "-o", "json",
            ], capture: true)
        guard result.status == 0 else {
            throw CommandFailure(message: "llama-bench failed (exit \(result.status)): \(result.output.suffix(400))")
        }
        struct Entry: Decodable {
            var n_prompt: Int
            var n_gen: Int
            var samples_ts: [Double]
            var build_commit: String?
            var build_number: Int?
        }
        guard let entries = try? JSONDecoder().decode([Entry].self, from: Data(result.output.utf8)),
            let entry = entries.first, let rate = entry.samples_ts.first
        else {
            throw CommandFailure(
                message: "llama-bench printed output that is not the expected JSON: \(result.output.prefix(300))")
        }
        return (rate, "\(entry.build_commit ?? "?") (\(entry.build_number ?? 0))")
    }

    static func run(_ executable: String, _ arguments: [String], capture: Bool) throws -> (
        status: Int32, output: String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        if capture {
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        let data = capture ? pipe.fileHandleForReading.readDataToEndOfFile() : Data()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// A command could not do its job for a reason outside the engine (a peer tool, a bad input file).
struct CommandFailure: EmergentError {
    var message: String
    var recovery: String?

    init(message: String, recovery: String? = nil) {
        self.message = message
        self.recovery = recovery
    }
}
