import EmergentTools
import Foundation

/// Shared helpers for the tool tests: contexts with a fresh work folder, and fixture paths.
enum ToolTestSupport {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// A context whose work folder is a new temporary directory.
    static func context(timeout: Duration = .seconds(20)) throws -> ToolContext {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "emergent-tools-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return ToolContext(
            conversationID: "c1", runID: "r1", workDirectory: directory, sources: SourceRegistry(), timeout: timeout)
    }
}
