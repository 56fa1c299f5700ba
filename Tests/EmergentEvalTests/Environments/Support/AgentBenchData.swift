import Foundation

/// AgentBench's dev splits (`shared/data/agentbench-v0.2/…`), looked for in the folders above this source file.
/// Tests that need them are skipped where the data is not present (a clone outside the workspace).
enum AgentBenchData {
    static func file(_ relativePath: String) -> URL? {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("shared/data/agentbench-v0.2").appendingPathComponent(relativePath)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }
}
