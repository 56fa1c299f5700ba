import Foundation
import Logging

/// The tools of one stdio MCP server. ``tools()`` starts the server on first use (and again after it died) and
/// lists its tools; a server that cannot start makes ``tools()`` throw ``MCPServerError`` with the reason.
public struct MCPToolProvider: ToolProvider {
    /// The server connection (exposed for diagnostics such as its process id).
    public let connection: MCPServerConnection

    /// - Throws: ``ToolConfigurationError`` for an environment value that references an unset variable.
    public init(
        configuration: MCPServerConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "emergent.tools.mcp")
    ) throws(ToolConfigurationError) {
        connection = try MCPServerConnection(configuration: configuration, environment: environment, logger: logger)
    }

    public func tools() async throws -> [any Tool] {
        let configuration = connection.configuration
        return try await connection.listTools().map {
            MCPTool(remote: $0, connection: connection, configuration: configuration)
        }
    }

    public func shutdown() async { await connection.shutdown() }
}
