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

        enum CodingKeys: String, CodingKey {
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

        enum CodingKeys: String, CodingKey {
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
    }

    /// Decodes a kind's settings from the JSON the agent file held.
    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue, kind: String) throws -> T {
        let settings: JSONValue = value == .null ? .object([:]) : value
        do {
            return try JSONDecoder().decode(T.self, from: Data(settings.compactJSON.utf8))
        } catch let error as DecodingError {
            throw AgentDefinitionError("tools.\(kind): \(error.readableDescription)")
        }
    }
}
