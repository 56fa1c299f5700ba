import EmergentCore
import Foundation
import MCP

/// Turns an MCP tool result into a ``ToolOutput``: text parts become the observation, images (and audio, and
/// binary resources) are saved in the work folder as artifacts, text resources are quoted with their URI, and
/// `isError` results are error outputs.
enum MCPContentMapper {
    static func output(of result: CallTool.Result, tool: String, workDirectory: URL) async throws -> ToolOutput {
        var texts: [String] = []
        var artifacts: [Artifact] = []
        for (index, content) in result.content.enumerated() {
            switch content {
            case .text(let text, _, _):
                texts.append(text)
            case .image(let data, let mimeType, _, _), .audio(let data, let mimeType, _, _):
                let artifact = try await save(
                    base64: data, mimeType: mimeType, stem: "\(tool)-\(index + 1)", in: workDirectory)
                artifacts.append(artifact)
                texts.append("[\(mimeType) saved as \(artifact.name)]")
            case .resource(let resource, _, _):
                if let text = resource.text {
                    texts.append("[resource \(resource.uri)]\n\(text)")
                } else if let blob = resource.blob {
                    let mimeType = resource.mimeType ?? "application/octet-stream"
                    let stem = URL(string: resource.uri)?.deletingPathExtension().lastPathComponent ?? tool
                    let artifact = try await save(base64: blob, mimeType: mimeType, stem: stem, in: workDirectory)
                    artifacts.append(artifact)
                    texts.append("[resource \(resource.uri) saved as \(artifact.name)]")
                } else {
                    texts.append("[resource \(resource.uri)]")
                }
            case .resourceLink(let uri, let name, let title, let description, _, _):
                texts.append("[link \(title ?? name): \(uri)]" + (description.map { " \($0)" } ?? ""))
            }
        }
        if texts.isEmpty, let structured = result.structuredContent {
            texts.append(MCPValueConversion.json(structured).compactJSON)
        }
        let isError = result.isError ?? false
        var text = texts.joined(separator: "\n")
        if text.isEmpty { text = isError ? "\(tool) failed without saying why" : "(\(tool) returned no content)" }
        return ToolOutput(text: text, artifacts: artifacts, isError: isError)
    }

    private static func save(base64: String, mimeType: String, stem: String, in directory: URL) async throws
        -> Artifact
    {
        guard let bytes = Data(base64Encoded: base64, options: .ignoreUnknownCharacters) else {
            throw ToolError("the MCP server sent \(mimeType) content that is not valid base64")
        }
        let detected = ArtifactFiles.imageFormat(of: bytes)
        let fileExtension = detected?.fileExtension ?? ArtifactFiles.fileExtension(forMIMEType: mimeType)
        let type = detected?.mimeType ?? mimeType
        return try await BlockingIO.run {
            try ArtifactFiles.save(bytes, stem: stem, fileExtension: fileExtension, mimeType: type, in: directory)
        }
    }
}
