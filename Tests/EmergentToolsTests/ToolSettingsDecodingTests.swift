import EmergentCore
import EmergentTools
import Foundation
import Testing

@Suite("Tool settings decoding")
struct ToolSettingsDecodingTests {
    @Test("functions, OpenAPI sources, MCP servers and image settings decode from snake_case keys with defaults")
    func settingsDecode() throws {
        let decoder = JSONDecoder()
        let functions = try decoder.decode(
            FunctionSettings.self,
            from: Data(
                #"""
                {"functions": [{"name": "ping", "url": "https://x.example/ping", "max_response_bytes": 10}],
                 "openapi": [{"location": "api.yaml", "server_url": "https://x.example", "operations": ["a"]}]}
                """#.utf8))
        #expect(functions.functions.first?.method == "GET")
        #expect(functions.functions.first?.maxResponseBytes == 10)
        #expect(functions.functions.first?.parameters == FunctionDefinition.emptyParameters)
        #expect(functions.openapi.first?.serverURL == "https://x.example")
        #expect(functions.openapi.first?.operations == ["a"])

        let server = try decoder.decode(
            MCPServerConfiguration.self,
            from: Data(#"{"name": "git", "command": "uvx", "prefix_tools": true, "call_timeout_seconds": 5}"#.utf8))
        #expect(server.arguments.isEmpty)
        #expect(server.prefixTools)
        #expect(server.inheritEnvironment)
        #expect(server.callTimeoutSeconds == 5)
        #expect(server.startTimeoutSeconds == 30)

        let image = try decoder.decode(
            ImageGenerationSettings.self,
            from: Data(#"{"base_url": "https://img.example/v1", "api_key": "${K}", "model": "m"}"#.utf8))
        #expect(image.baseURL == "https://img.example/v1")
        #expect(image.apiKey == "${K}")
        #expect(image.size == nil)
    }

    @Test("an MCP server environment value naming an unset variable is a configuration error")
    func mcpEnvironmentNeedsItsVariables() throws {
        let error = #expect(throws: ToolConfigurationError.self) {
            _ = try MCPToolProvider(
                configuration: MCPServerConfiguration(
                    name: "gh", command: "/bin/true", environment: ["TOKEN": "${NO_SUCH_GH_TOKEN}"]),
                environment: [:])
        }
        #expect(error?.kind == .missingEnvironmentVariable)
        #expect(error?.message.contains("NO_SUCH_GH_TOKEN") == true)
    }
}
