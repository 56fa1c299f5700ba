import Foundation

/// Offers the `python` tool and owns its sandbox pool: ending a conversation kills its interpreter, and shutting
/// down kills them all.
public struct PythonToolProvider: ToolProvider {
    public let pool: PythonSandboxPool

    /// Locates the sandbox environment (see ``PythonEnvironment/locate(virtualEnvironment:environment:)``) and
    /// starts warming the pool.
    public init(
        configuration: PythonSandboxConfiguration = PythonSandboxConfiguration(), virtualEnvironment: URL? = nil
    ) async throws(PythonSandboxError) {
        let environment = try PythonEnvironment.locate(virtualEnvironment: virtualEnvironment)
        pool = PythonSandboxPool(environment: environment, configuration: configuration)
        await pool.warmUp()
    }

    public func tools() async throws -> [any Tool] { [PythonTool(pool: pool)] }

    public func endConversation(_ conversationID: String) async { await pool.end(conversationID: conversationID) }

    public func shutdown() async { await pool.shutdown() }
}
