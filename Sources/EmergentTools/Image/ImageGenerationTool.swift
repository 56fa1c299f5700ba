import AsyncHTTPClient
import EmergentCore
import Foundation
import Logging

/// `generate_image`: asks an OpenAI-images-compatible endpoint for one picture and saves it in the conversation's
/// work folder as an artifact. Replies with `b64_json` are decoded; replies with a `url` are downloaded.
public struct ImageGenerationTool: Tool {
    public let spec: ToolSpec
    private let settings: ImageGenerationSettings
    private let apiKey: String?
    private let fetcher: HTTPFetcher

    /// Largest image accepted (JSON with base64 included), 48 MiB.
    static let maxBytes = 48 << 20

    /// - Throws: ``ToolConfigurationError`` when the key references an unset variable or the URL is not http(s).
    public init(
        settings: ImageGenerationSettings, environment: [String: String] = ProcessInfo.processInfo.environment,
        httpClient: HTTPClient = .shared, logger: Logger = Logger(label: "emergent.tools.image")
    ) throws(ToolConfigurationError) {
        guard settings.baseURL.hasPrefix("http://") || settings.baseURL.hasPrefix("https://") else {
            throw ToolConfigurationError(
                .invalidDefinition, "image base_url '\(settings.baseURL)' must start with http:// or https://")
        }
        if let key = settings.apiKey {
            let expanded = EnvironmentTemplate.expand(key, environment: environment)
            if let missing = expanded.missing { throw .missingVariable(missing, in: "image api_key") }
            apiKey = expanded.text
        } else {
            apiKey = nil
        }
        self.settings = settings
        self.fetcher = HTTPFetcher(client: httpClient, logger: logger)
        var size: JSONObject = [
            "type": "string",
            "description": .string("Image size as WIDTHxHEIGHT (default \(settings.size ?? "the model's"))"),
            "pattern": "^[0-9]{2,5}x[0-9]{2,5}$",
        ]
        if let preset = settings.size { size["default"] = .string(preset) }
        spec = ToolSpec(
            name: "generate_image",
            description: "Generate an image from a text description; the image is saved in the work folder and "
                + "shown to the user.",
            parameters: [
                "type": "object",
                "properties": [
                    "prompt": ["type": "string", "description": "What the image should show, in detail"],
                    "size": .object(size),
                ],
                "required": ["prompt"],
            ])
    }

    public func call(_ arguments: JSONValue, context: ToolContext) async throws -> ToolOutput {
        if let problem = ArgumentCheck.problem(arguments: arguments, schema: spec.parameters, tool: spec.name) {
            return .failure(problem)
        }
        let prompt = arguments["prompt"]?.stringValue ?? ""
        var body: JSONObject = [
            "model": .string(settings.model), "prompt": .string(prompt), "n": 1, "response_format": "b64_json",
        ]
        if let size = arguments["size"]?.stringValue ?? settings.size { body["size"] = .string(size) }
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json"), ("Accept", "application/json")]
        if let apiKey { headers.append(("Authorization", "Bearer \(apiKey)")) }
        var timeout = context.timeout
        timeout = min(timeout, .seconds(settings.timeoutSeconds ?? 120))
        let endpoint = settings.baseURL.trimmingSuffix("/") + "/images/generations"

        let response = try await fetch(
            method: "POST", url: endpoint, headers: headers, body: Array(JSONValue.object(body).compactJSON.utf8),
            timeout: timeout)
        guard response.status < 400 else {
            let excerpt = String(decoding: response.body.prefix(1_000), as: UTF8.self)
            return .failure(
                "Image generation failed: HTTP \(response.status) \(HTTPStatusText.reason(response.status)) from "
                    + "\(endpoint)\n\(excerpt)")
        }
        guard let reply = try? JSONParser.parse(response.body), let first = reply["data"]?.arrayValue?.first else {
            throw ToolError("Image generation: \(endpoint) answered without a 'data' list; is it an OpenAI-images API?")
        }
        let bytes: Data
        if let encoded = first["b64_json"]?.stringValue {
            guard let decoded = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters) else {
                throw ToolError("Image generation: the endpoint's b64_json is not valid base64")
            }
            bytes = decoded
        } else if let url = first["url"]?.stringValue {
            let download = try await fetch(
                method: "GET", url: url, headers: [("Accept", "image/*")], body: nil, timeout: timeout)
            guard download.status < 400, !download.truncated else {
                throw ToolError("Image generation: downloading the image from \(url) failed (HTTP \(download.status))")
            }
            bytes = Data(download.body)
        } else {
            throw ToolError("Image generation: the reply has neither b64_json nor url for the image")
        }
        guard let format = ArtifactFiles.imageFormat(of: bytes) else {
            throw ToolError("Image generation: the endpoint returned \(bytes.count) bytes that are not a PNG, JPEG, GIF or WebP image")
        }
        let stem = "image-" + ArtifactFiles.sanitized(String(prompt.prefix(32))).lowercased()
        let directory = context.workDirectory
        let artifact = try await BlockingIO.run {
            try ArtifactFiles.save(
                bytes, stem: stem, fileExtension: format.fileExtension, mimeType: format.mimeType, in: directory)
        }
        var text = "Generated the image \(artifact.name) (\(artifact.byteCount) bytes, \(format.mimeType))."
        if let revised = first["revised_prompt"]?.stringValue, !revised.isEmpty {
            text += " The service rewrote the prompt as: \(revised)"
        }
        return ToolOutput(text: text, artifacts: [artifact])
    }

    private func fetch(
        method: String, url: String, headers: [(name: String, value: String)], body: [UInt8]?, timeout: Duration
    ) async throws -> HTTPFetcher.Response {
        do {
            return try await fetcher.fetch(
                method: method, url: url, headers: headers, body: body, timeout: timeout, maxBytes: Self.maxBytes)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw ToolError("Image generation: \(url) did not answer within \(timeout); try again, or a smaller size")
        } catch {
            throw ToolError("Image generation: \(method) \(FunctionTool.redacted(url)) failed: \(error)")
        }
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
