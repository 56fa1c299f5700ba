import EmergentCore
import EmergentTools
import Foundation

/// The settings an agent file gives each built-in tool kind, as YAML writes them (snake_case, every field optional).
enum AgentToolSettings {
    /// `python:` settings.
    struct Python: Decodable {
        var timeoutSeconds: Double?
        var memoryMB: Int?
        var cpuSeconds: Int?
        var maxProcesses: Int?
        var maxFileMB: Int?
        var outputLimitKB: Int?
        var warmPool: Int?
        var venv: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case timeoutSeconds = "timeout_seconds", memoryMB = "memory_mb", cpuSeconds = "cpu_seconds"
            case maxProcesses = "max_processes", maxFileMB = "max_file_mb", outputLimitKB = "output_limit_kb"
            case warmPool = "warm_pool", venv
        }

        var configuration: PythonSandboxConfiguration {
            var configuration = PythonSandboxConfiguration()
            if let timeoutSeconds { configuration.callTimeout = .milliseconds(Int64(timeoutSeconds * 1000)) }
            if let memoryMB { configuration.memoryBytes = memoryMB << 20 }
            if let cpuSeconds { configuration.cpuSeconds = cpuSeconds }
            if let maxProcesses { configuration.maxProcesses = maxProcesses }
            if let maxFileMB { configuration.maxFileBytes = maxFileMB << 20 }
            if let outputLimitKB { configuration.outputLimit = outputLimitKB << 10 }
            if let warmPool { configuration.warmPoolSize = warmPool }
            return configuration
        }
    }

    /// `browser:` settings.
    struct Browser: Decodable {
        var search: SearchProviderSettings?
        var allowHosts: [String]?
        var maxPageBytes: Int?
        var maxRedirects: Int?
        var timeoutSeconds: Double?
        var maxPageCharacters: Int?
        var resultsPerSearch: Int?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case search, allowHosts = "allow_hosts", maxPageBytes = "max_page_bytes", maxRedirects = "max_redirects"
            case timeoutSeconds = "timeout_seconds", maxPageCharacters = "max_page_characters"
            case resultsPerSearch = "results_per_search"
        }

        var settings: BrowserSettings {
            var settings = BrowserSettings()
            if let allowHosts { settings.allowedHosts = allowHosts }
            if let maxPageBytes { settings.maxPageBytes = maxPageBytes }
            if let maxRedirects { settings.maxRedirects = maxRedirects }
            if let timeoutSeconds { settings.requestTimeout = .milliseconds(Int64(timeoutSeconds * 1000)) }
            if let maxPageCharacters { settings.maxPageCharacters = maxPageCharacters }
            if let resultsPerSearch { settings.resultsPerSearch = resultsPerSearch }
            return settings
        }
    }

    /// `knowledge:` settings (the files themselves are the definition's `knowledge` list).
    struct Knowledge: Decodable {
        /// Extra folders whose files are all indexed.
        var folders: [String]?
        /// `true` for the default model's embeddings, or a GGUF path; absent or `false` for BM25 alone.
        var embeddings: JSONValue?
        var results: Int?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case folders, embeddings, results
        }
    }

    /// Decodes a kind's settings from the JSON the agent file held.
    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue, kind: String) throws -> T {
        do {
            return try decodeReportingPath(type, from: value)
        } catch let error as DecodingError {
            let path = FieldPath([.key("tools"), .key(kind)])
            let issue = FieldIssue(error, at: path) { FieldIssue.describe($0.value(in: value, at: path)) }
            throw AgentDefinitionError(problems: [issue.problem()])
        }
    }

    /// Decodes settings; `null` means the defaults. A failure is the decoder's own error, with its coding path.
    private static func decodeReportingPath<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        let settings: JSONValue = value == .null ? .object([:]) : value
        return try JSONDecoder().decode(T.self, from: Data(settings.compactJSON.utf8))
    }

    /// What is wrong with one kind's settings, which sit at `path`: unknown keys, values outside their choices, and
    /// the first value the settings type cannot decode (decoding stops there). Empty when ``AgentToolkit`` can read
    /// them; whether the tool can then start (a reachable server, a set secret) is only known when it starts.
    static func issues(_ kind: AgentToolKind, settings value: JSONValue, at path: FieldPath) -> [FieldIssue] {
        var issues = ToolSettingsShape.of(kind).issues(in: value, at: path)
        do {
            // The same types AgentToolkit decodes.
            switch kind {
            case .python: _ = try decodeReportingPath(Python.self, from: value)
            case .browser: _ = try decodeReportingPath(Browser.self, from: value)
            case .knowledge: _ = try decodeReportingPath(Knowledge.self, from: value)
            case .functions: _ = try decodeReportingPath([FunctionDefinition].self, from: value)
            case .openapi: _ = try decodeReportingPath([OpenAPISource].self, from: value)
            case .mcp: _ = try decodeReportingPath([MCPServerConfiguration].self, from: value)
            case .image: _ = try decodeReportingPath(ImageGenerationSettings.self, from: value)
            }
        } catch let error as DecodingError {
            let issue: FieldIssue
            if value == .null || value == .object([:]) {
                // Listed without settings, but this kind has no defaults.
                issue = FieldIssue(
                    path: path, expected: ToolSettingsShape.expectation(for: kind), found: "no settings")
            } else {
                issue = FieldIssue(error, at: path) { FieldIssue.describe($0.value(in: value, at: path)) }
            }
            if !issues.contains(where: { $0.path == issue.path }) { issues.append(issue) }
        } catch {
            issues.append(FieldIssue(path: path, expected: ToolSettingsShape.expectation(for: kind), found: "\(error)"))
        }
        return issues
    }
}
