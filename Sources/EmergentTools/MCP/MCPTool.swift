import EmergentCore
import Foundation
import MCP

/// One tool of an MCP server, with the server's own schema. A call checks the arguments against that schema,
/// forwards them, and maps the result (see ``MCPContentMapper``); a server that is down, has exited or does not
/// answer in time is a thrown ``ToolError`` saying so.
public struct MCPTool: Tool {
    public let spec: ToolSpec
    /// The tool's name on its server (``spec`` may carry a server prefix).
    public let remoteName: String
    private let connection: MCPServerConnection
    private let callTimeout: Duration

    init(remote: MCP.Tool, connection: MCPServerConnection, configuration: MCPServerConfiguration) {
        remoteName = remote.name
        self.connection = connection
        callTimeout = .seconds(configuration.callTimeoutSeconds)
        let name = configuration.prefixTools ? "\(configuration.name)__\(remote.name)" : remote.name
        var schema = MCPValueConversion.json(remote.inputSchema)
        if case .object(var object) = schema, object["type"] == nil {
            object["type"] = "object"
            schema = .object(object)
        }
        spec = ToolSpec(name: name, description: remote.description ?? remote.title ?? "", parameters: schema)
    }

    public func call(_ arguments: JSONValue, context: ToolContext) async throws -> ToolOutput {
        if let problem = ArgumentCheck.problem(arguments: arguments, schema: spec.parameters, tool: spec.name) {
            return .failure(problem)
        }
        let values = (arguments.objectValue ?? JSONObject()).map { ($0.key, MCPValueConversion.value($0.value)) }
        let result: CallTool.Result
        do {
            result = try await connection.callTool(
                name: remoteName, arguments: Dictionary(values, uniquingKeysWith: { $1 }),
                timeout: min(callTimeout, context.timeout))
        } catch {
            throw ToolError(error.message)
        }
        return try await MCPContentMapper.output(of: result, tool: spec.name, workDirectory: context.workDirectory)
    }
}
