import EmergentCore
import EmergentTools
import Foundation
import Testing

/// A fixture server written with the official Python SDK, for content the PyPI servers never send (images,
/// embedded resources) and for slow calls.
@Suite("MCP content mapping", .serialized)
struct MCPContentMappingTests {
    static func contentServer(callTimeout: Double = 60) throws -> MCPServerConfiguration {
        let python = try MCPToolProviderTests.server("python")
        let script = ToolTestSupport.fixtures.appendingPathComponent("mcp/content_server.py").path
        return MCPServerConfiguration(
            name: "content", command: python, arguments: [script], callTimeoutSeconds: callTimeout)
    }

    @Test("an image part is saved in the work folder as a PNG artifact, next to the text parts")
    func imageBecomesArtifact() async throws {
        let provider = try MCPToolProvider(configuration: try Self.contentServer())
        defer { Task { await provider.shutdown() } }
        let tool = try #require(try await provider.tools().first { $0.spec.name == "draw_dot" })
        let context = try ToolTestSupport.context()
        let output = try await tool.call(nil, context: context)

        #expect(!output.isError)
        #expect(output.text.hasPrefix("Here is a dot.\n[image/png saved as "))
        let artifact = try #require(output.artifacts.first)
        #expect(artifact.mimeType == "image/png")
        #expect(artifact.path.hasPrefix(context.workDirectory.path))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: artifact.path))
        #expect(Array(bytes.prefix(8)) == ImageGenerationToolTests.pngSignature)
    }

    @Test("an embedded text resource is quoted with its URI, and a raised error is an error observation")
    func resourceAndErrorMapping() async throws {
        let provider = try MCPToolProvider(configuration: try Self.contentServer())
        defer { Task { await provider.shutdown() } }
        let tools = try await provider.tools()
        let context = try ToolTestSupport.context()
        let quote = try #require(tools.first { $0.spec.name == "quote_resource" })
        let quoted = try await quote.call(nil, context: context)
        #expect(quoted.text == "[resource memo://today]\nBuy milk.")
        #expect(!quoted.isError)

        let fail = try #require(tools.first { $0.spec.name == "fail" })
        let failed = try await fail.call(["reason": "the printer is out of paper"], context: context)
        #expect(failed.isError)
        #expect(failed.text.contains("the printer is out of paper"))
    }

    @Test("a call slower than its timeout is reported as timed out, and the next call still works")
    func slowCallTimesOut() async throws {
        let provider = try MCPToolProvider(configuration: try Self.contentServer(callTimeout: 1))
        defer { Task { await provider.shutdown() } }
        let nap = try #require(try await provider.tools().first { $0.spec.name == "nap" })
        let context = try ToolTestSupport.context()
        let error = await #expect(throws: ToolError.self) { try await nap.call(["seconds": 10], context: context) }
        #expect(error?.message.contains("timed out after 1.0 seconds") == true)
        let quick = try await nap.call(["seconds": 0.05], context: context)
        #expect(quick.text == "rested")
    }
}
