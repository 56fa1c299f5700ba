import EmergentCore

/// The keys each tool kind's settings may have. The settings types skip keys they do not know, so without this a
/// misspelled `timout_seconds` would be silently ignored; with it, the key is reported with the closest known one.
/// Values are left to the settings types, which check them when they decode.
indirect enum ToolSettingsShape: Sendable {
    /// A mapping with these keys, in the order messages list them.
    case mapping([(key: String, shape: ToolSettingsShape)])
    /// A list whose items have one shape.
    case list(ToolSettingsShape)
    /// A mapping with keys of the user's choosing, whose values have one shape.
    case values(ToolSettingsShape)
    /// One of these strings (an enum the settings type decodes).
    case oneOf([String])
    /// Anything: the settings type checks it (numbers, strings, free-form mappings such as headers or schemas).
    case any

    /// A mapping whose keys' values are all checked by the settings type.
    static func keys(_ keys: [String]) -> ToolSettingsShape { .mapping(keys.map { ($0, .any) }) }

    /// The settings of `kind`, as ``AgentToolkit`` decodes them.
    static func of(_ kind: AgentToolKind) -> ToolSettingsShape {
        switch kind {
        case .python:
            return .keys(AgentToolSettings.Python.CodingKeys.allCases.map(\.rawValue))
        case .browser:
            return .mapping(
                AgentToolSettings.Browser.CodingKeys.allCases.map { ($0.rawValue, $0 == .search ? search : .any) })
        case .knowledge:
            return .keys(AgentToolSettings.Knowledge.CodingKeys.allCases.map(\.rawValue))
        case .functions:
            return .list(function)
        case .openapi:
            // OpenAPISource's CodingKeys (EmergentTools keeps them internal).
            return .list(.keys(["location", "server_url", "headers", "operations", "timeout_seconds"]))
        case .mcp:
            // MCPServerConfiguration's CodingKeys.
            return .list(
                .keys([
                    "name", "command", "arguments", "environment", "inherit_environment", "working_directory",
                    "prefix_tools", "call_timeout_seconds", "start_timeout_seconds",
                ]))
        case .image:
            // ImageGenerationSettings' CodingKeys.
            return .keys(["base_url", "api_key", "model", "size", "timeout_seconds"])
        }
    }

    /// SearchProviderSettings' CodingKeys.
    private static let search: ToolSettingsShape = .mapping([
        ("provider", .oneOf(["searxng", "brave", "local"])), ("url", .any), ("api_key", .any),
        ("api_key_env", .any), ("folder", .any), ("base_url", .any),
    ])

    /// FunctionDefinition's CodingKeys.
    private static let function: ToolSettingsShape = .mapping([
        ("name", .any), ("description", .any), ("parameters", .any), ("method", .any), ("url", .any),
        ("headers", .any), ("arguments_in", .oneOf(["path", "query", "header", "body"])),
        ("argument_locations", .values(.oneOf(["path", "query", "header", "body"]))), ("timeout_seconds", .any),
        ("max_response_bytes", .any),
    ])

    /// What `kind`'s settings must be, for a message about settings that are missing or of the wrong kind.
    static func expectation(for kind: AgentToolKind) -> String {
        switch kind {
        case .python, .browser, .knowledge: "a mapping of \(kind.rawValue) settings (or nothing, for the defaults)"
        case .functions: "a list of functions, each with at least name and url"
        case .openapi: "a list of OpenAPI documents, each with at least location"
        case .mcp: "a list of MCP servers, each with at least name and command"
        case .image: "a mapping with at least base_url and model"
        }
    }

    /// Unknown keys and values outside a `oneOf`, anywhere in `value`; `path` is where `value` sits.
    func issues(in value: JSONValue, at path: FieldPath) -> [FieldIssue] {
        switch (self, value) {
        case (.mapping(let keys), .object(let object)):
            return object.flatMap { member -> [FieldIssue] in
                guard let shape = keys.first(where: { $0.key == member.key })?.shape else {
                    return [.unknownKey(member.key, at: path, known: keys.map(\.key))]
                }
                return shape.issues(in: member.value, at: path.appending(member.key))
            }
        case (.values(let shape), .object(let object)):
            return object.flatMap { shape.issues(in: $0.value, at: path.appending($0.key)) }
        case (.list(let item), .array(let items)):
            return items.enumerated().flatMap { item.issues(in: $0.element, at: path.appending($0.offset)) }
        case (.oneOf(let allowed), .string(let text)) where !allowed.contains(text):
            return [
                FieldIssue(
                    path: path, expected: "one of " + allowed.joined(separator: ", "),
                    found: FieldIssue.describe(value),
                    suggestion: EditDistance.closest(to: text, in: allowed))
            ]
        default:
            return []
        }
    }
}
