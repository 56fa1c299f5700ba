import AsyncHTTPClient
import Foundation
import Logging

/// Offers `generate_image` when an image endpoint is configured, and nothing otherwise.
public struct ImageGenerationToolProvider: ToolProvider {
    private let tool: ImageGenerationTool?

    /// - Parameter settings: the endpoint; `nil` means image generation is not offered.
    /// - Throws: ``ToolConfigurationError`` when the settings are unusable (missing key variable, bad URL).
    public init(
        settings: ImageGenerationSettings?, environment: [String: String] = ProcessInfo.processInfo.environment,
        httpClient: HTTPClient = .shared, logger: Logger = Logger(label: "emergent.tools.image")
    ) throws(ToolConfigurationError) {
        tool = try settings.map { settings throws(ToolConfigurationError) in
            try ImageGenerationTool(settings: settings, environment: environment, httpClient: httpClient, logger: logger)
        }
    }

    public func tools() async throws -> [any Tool] { tool.map { [$0] } ?? [] }
}
