import EmergentCore
import EmergentTools
import Foundation

/// Real sandboxes for the tests: the venv from `scripts/setup.sh` (or `$EMERGENT_SANDBOX_VENV`), fresh work
/// folders under the temporary directory, and pools that stop their interpreters when a test ends.
enum PythonSandboxFixture {
    static func configuration(
        timeout: Duration = .seconds(20), warmPoolSize: Int = 0, maxProcesses: Int = 64
    ) -> PythonSandboxConfiguration {
        PythonSandboxConfiguration(
            callTimeout: timeout, maxProcesses: maxProcesses, warmPoolSize: warmPoolSize, preloadModules: [],
            stagingDirectory: root.appendingPathComponent("staging", isDirectory: true))
    }

    static let root = FileManager.default.temporaryDirectory.appendingPathComponent(
        "emergent-python-tests-\(getpid())", isDirectory: true)

    static func workFolder() -> URL {
        root.appendingPathComponent("work-\(UUID().uuidString)", isDirectory: true)
    }

    static func context(conversation: String = UUID().uuidString, folder: URL? = nil) -> ToolContext {
        ToolContext(
            conversationID: conversation, runID: "test", workDirectory: folder ?? workFolder(),
            sources: SourceRegistry(), timeout: .seconds(120))
    }

    /// Runs `body` with a tool on its own pool, and shuts the pool down afterwards.
    @discardableResult
    static func withTool<T>(
        _ configuration: PythonSandboxConfiguration = configuration(),
        _ body: (PythonTool, PythonSandboxPool) async throws -> T
    ) async throws -> T {
        let pool = PythonSandboxPool(environment: try PythonEnvironment.locate(), configuration: configuration)
        do {
            let result = try await body(PythonTool(pool: pool), pool)
            await pool.shutdown()
            return result
        } catch {
            await pool.shutdown()
            throw error
        }
    }
}

extension PythonTool {
    /// Runs `code` in `context`'s conversation.
    func run(_ code: String, in context: ToolContext) async throws -> ToolOutput {
        try await call(["code": .string(code)], context: context)
    }
}
