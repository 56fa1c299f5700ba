import AsyncHTTPClient
import Foundation
import Logging

/// The tools of a ``FunctionSettings``: every declared function and every imported OpenAPI operation, checked
/// and ready when ``load(_:environment:httpClient:logger:)`` returns.
public struct FunctionToolProvider: ToolProvider {
    /// The tools, in declaration order (declared functions first, then each document's operations).
    public let functionTools: [FunctionTool]

    /// Wraps tools already made.
    public init(tools: [FunctionTool]) {
        functionTools = tools
    }

    /// Makes every tool the settings declare, reading OpenAPI documents and filling `${NAME}` from `environment`.
    ///
    /// - Throws: ``ToolConfigurationError`` for a missing environment variable, an unreadable document, an invalid
    ///   definition, or two tools with the same name.
    public static func load(
        _ settings: FunctionSettings, environment: [String: String] = ProcessInfo.processInfo.environment,
        httpClient: HTTPClient = .shared, logger: Logger = Logger(label: "emergent.tools.functions")
    ) async throws(ToolConfigurationError) -> FunctionToolProvider {
        var definitions = settings.functions
        let importer = OpenAPIImporter(logger: logger)
        for source in settings.openapi {
            definitions += try await importer.load(source, httpClient: httpClient)
        }
        var tools: [FunctionTool] = []
        var names: Set<String> = []
        for definition in definitions {
            guard names.insert(definition.name).inserted else {
                throw ToolConfigurationError(
                    .invalidDefinition,
                    "two functions are named '\(definition.name)'; rename one (or limit an OpenAPI import with "
                        + "'operations')")
            }
            tools.append(
                try FunctionTool(definition: definition, environment: environment, httpClient: httpClient, logger: logger))
        }
        logger.info("function tools loaded", metadata: ["count": "\(tools.count)"])
        return FunctionToolProvider(tools: tools)
    }

    public func tools() async throws -> [any Tool] { functionTools }
}
