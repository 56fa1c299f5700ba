/// A tool configuration that cannot be used: a function, OpenAPI document, MCP server or image endpoint that is
/// declared wrongly, or needs something the environment lacks. Raised when the configuration is loaded, before
/// any model sees the tools, and the message says what to fix.
public struct ToolConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is.
    public enum Kind: String, Sendable, Hashable {
        /// A `${NAME}` reference to an environment variable that is not set.
        case missingEnvironmentVariable
        /// A declaration that is malformed (bad URL template, unknown method, invalid name).
        case invalidDefinition
        /// An OpenAPI document that cannot be read or understood.
        case invalidOpenAPIDocument
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    static func missingVariable(_ name: String, in place: String) -> ToolConfigurationError {
        ToolConfigurationError(
            .missingEnvironmentVariable,
            "\(place) uses ${\(name)}, but the environment variable \(name) is not set (or is empty); "
                + "export \(name) before starting, or remove the reference")
    }
}
