import EmergentCore
import EmergentTools
import Foundation
import NIOHTTP1
import Testing

@Suite("Image generation tool")
struct ImageGenerationToolTests {
    /// A 1×1 PNG.
    static let pngBase64 =
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    @Test("a b64_json reply is saved in the work folder as a PNG artifact")
    func base64ReplyBecomesPNGArtifact() async throws {
        let server = try await FunctionTestServer.start { _ in
            .json(#"{"created":1,"data":[{"b64_json":"\#(Self.pngBase64)","revised_prompt":"a red dot"}]}"#)
        }
        defer { Task { await server.stop() } }
        let provider = try ImageGenerationToolProvider(
            settings: ImageGenerationSettings(
                baseURL: server.baseURL + "/v1/", apiKey: "${TEST_IMAGE_KEY}", model: "painter-1", size: "256x256"),
            environment: ["TEST_IMAGE_KEY": "k-123"])
        let tools = try await provider.tools()
        let tool = try #require(tools.first)
        #expect(tools.count == 1)
        #expect(tool.spec.name == "generate_image")
        let context = try ToolTestSupport.context()
        let output = try await tool.call(["prompt": "A red dot"], context: context)

        #expect(!output.isError)
        #expect(output.text.contains("a red dot"))
        let artifact = try #require(output.artifacts.first)
        #expect(artifact.mimeType == "image/png")
        #expect(artifact.name.hasSuffix(".png"))
        #expect(URL(fileURLWithPath: artifact.path).deletingLastPathComponent().path == context.workDirectory.path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: artifact.path))
        #expect(Array(bytes.prefix(8)) == Self.pngSignature)
        #expect(artifact.byteCount == bytes.count)

        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/v1/images/generations")
        #expect(request.headers.first(name: "Authorization") == "Bearer k-123")
        let body = try JSONValue(parsing: request.body)
        #expect(body["model"] == "painter-1")
        #expect(body["prompt"] == "A red dot")
        #expect(body["response_format"] == "b64_json")
        #expect(body["size"] == "256x256")
    }

    @Test("a url reply is downloaded and saved; a second image does not overwrite the first")
    func urlReplyIsDownloaded() async throws {
        let png = try #require(Data(base64Encoded: Self.pngBase64))
        let server = try await FunctionTestServer.start { request in
            if request.path == "/files/dot.png" {
                return FunctionTestServer.Reply(contentType: "image/png", body: Array(png))
            }
            return .json(#"{"data":[{"url":"http://127.0.0.1:\#(request.headers.first(name: "Host")?.split(separator: ":").last ?? "0")/files/dot.png"}]}"#)
        }
        defer { Task { await server.stop() } }
        let tool = try ImageGenerationTool(
            settings: ImageGenerationSettings(baseURL: server.baseURL, model: "painter-1"), environment: [:])
        let context = try ToolTestSupport.context()
        let first = try await tool.call(["prompt": "dot", "size": "64x64"], context: context)
        let second = try await tool.call(["prompt": "dot"], context: context)

        let firstArtifact = try #require(first.artifacts.first)
        let secondArtifact = try #require(second.artifacts.first)
        #expect(firstArtifact.path != secondArtifact.path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: secondArtifact.path)) == png)
        #expect(server.requests.map(\.path) == ["/images/generations", "/files/dot.png", "/images/generations", "/files/dot.png"])
        #expect(try JSONValue(parsing: server.requests[0].body)["size"] == "64x64")
        #expect(server.requests[0].headers.first(name: "Authorization") == nil)
    }

    @Test("an endpoint error comes back as an error observation with the status")
    func endpointErrorIsAnObservation() async throws {
        let server = try await FunctionTestServer.start { _ in .json(#"{"error":{"message":"prompt rejected"}}"#, status: 400) }
        defer { Task { await server.stop() } }
        let tool = try ImageGenerationTool(
            settings: ImageGenerationSettings(baseURL: server.baseURL, model: "m"), environment: [:])
        let output = try await tool.call(["prompt": "x"], context: try ToolTestSupport.context())
        #expect(output.isError)
        #expect(output.text.contains("HTTP 400"))
        #expect(output.text.contains("prompt rejected"))
        #expect(output.artifacts.isEmpty)
    }

    @Test("without configuration the provider offers no tools")
    func noConfigurationNoTools() async throws {
        let provider = try ImageGenerationToolProvider(settings: nil, environment: [:])
        #expect(try await provider.tools().isEmpty)
    }

    @Test("an api_key naming an unset variable is a configuration error")
    func missingKeyIsAConfigurationError() throws {
        let error = #expect(throws: ToolConfigurationError.self) {
            _ = try ImageGenerationToolProvider(
                settings: ImageGenerationSettings(baseURL: "https://img.example", apiKey: "${NO_SUCH_IMAGE_KEY}", model: "m"),
                environment: [:])
        }
        #expect(error?.message.contains("NO_SUCH_IMAGE_KEY") == true)
    }
}
