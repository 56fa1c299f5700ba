/// A stdio MCP server to attach: the command that starts it, and how its tools are offered.
///
/// ```yaml
/// mcp:
///   - name: git
///     command: uvx                       # looked up on PATH unless it contains a '/'
///     arguments: [mcp-server-git]
///     environment: { GITHUB_TOKEN: "${GITHUB_TOKEN}" }
///     prefix_tools: true                 # tools appear as git__git_status, ...
///     call_timeout_seconds: 60
/// ```
public struct MCPServerConfiguration: Sendable, Hashable, Codable {
    /// A short name for messages and for tool name prefixes (`^[a-zA-Z0-9_-]+$`).
    public var name: String
    public var command: String
    public var arguments: [String]
    /// Extra environment variables for the server; values may contain `${ENV_NAME}`.
    public var environment: [String: String]
    /// Whether the server also gets this process's environment (PATH, HOME, ...). Default true.
    public var inheritEnvironment: Bool
    public var workingDirectory: String?
    /// Offer tools as `name__tool` instead of `tool`, so two servers cannot clash. Default false.
    public var prefixTools: Bool
    /// Longest one tool call may take (default 60 s; the call's own timeout also applies).
    public var callTimeoutSeconds: Double
    /// Longest starting and initialising the server may take (default 30 s).
    public var startTimeoutSeconds: Double

    enum CodingKeys: String, CodingKey {
        case name, command, arguments, environment
        case inheritEnvironment = "inherit_environment"
        case workingDirectory = "working_directory"
        case prefixTools = "prefix_tools"
        case callTimeoutSeconds = "call_timeout_seconds"
        case startTimeoutSeconds = "start_timeout_seconds"
    }

    public init(
        name: String, command: String, arguments: [String] = [], environment: [String: String] = [:],
        inheritEnvironment: Bool = true, workingDirectory: String? = nil, prefixTools: Bool = false,
        callTimeoutSeconds: Double = 60, startTimeoutSeconds: Double = 30
    ) {
        self.name = name
        self.command = command
        self.arguments = arguments
        self.environment = environment
        self.inheritEnvironment = inheritEnvironment
        self.workingDirectory = workingDirectory
        self.prefixTools = prefixTools
        self.callTimeoutSeconds = callTimeoutSeconds
        self.startTimeoutSeconds = startTimeoutSeconds
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try container.decode(String.self, forKey: .name),
            command: try container.decode(String.self, forKey: .command),
            arguments: try container.decodeIfPresent([String].self, forKey: .arguments) ?? [],
            environment: try container.decodeIfPresent([String: String].self, forKey: .environment) ?? [:],
            inheritEnvironment: try container.decodeIfPresent(Bool.self, forKey: .inheritEnvironment) ?? true,
            workingDirectory: try container.decodeIfPresent(String.self, forKey: .workingDirectory),
            prefixTools: try container.decodeIfPresent(Bool.self, forKey: .prefixTools) ?? false,
            callTimeoutSeconds: try container.decodeIfPresent(Double.self, forKey: .callTimeoutSeconds) ?? 60,
            startTimeoutSeconds: try container.decodeIfPresent(Double.self, forKey: .startTimeoutSeconds) ?? 30)
    }
}
