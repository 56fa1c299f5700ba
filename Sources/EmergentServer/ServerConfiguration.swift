import EmergentCore
import EmergentEngine
import EmergentRemote
import Foundation
import Yams

/// `emergent.yaml`: the models a server answers for — local GGUF files and remote OpenAI-compatible upstreams —
/// and how it listens.
///
/// ```yaml
/// server: { host: 0.0.0.0, port: 8080, api_key_env: EMERGENT_API_KEY }
/// models:
///   - name: gemma-3-270m
///     path: ~/.emergent/models/gemma-3-270m-q4_k_m.gguf
///     parallel: 4
///     context: 4096
///   - name: llama-3.3-70b
///     upstreams:
///       - { url: http://10.0.0.11:8000/v1, model: meta-llama/Llama-3.3-70B-Instruct }
///       - { url: http://10.0.0.12:8000/v1, model: meta-llama/Llama-3.3-70B-Instruct }
///     cooldown_seconds: 30
/// ```
public struct ServerConfiguration: Codable, Sendable {
    /// The `server:` section: address, key and limits.
    public struct Listen: Codable, Sendable {
        public var host: String?
        public var port: Int?
        public var apiKey: String?
        /// Name of an environment variable holding the key (keeps secrets out of the file).
        public var apiKeyEnv: String?
        public var bodyLimitMB: Int?
        public var shutdownGraceSeconds: Double?

        enum CodingKeys: String, CodingKey {
            case host, port
            case apiKey = "api_key"
            case apiKeyEnv = "api_key_env"
            case bodyLimitMB = "body_limit_mb"
            case shutdownGraceSeconds = "shutdown_grace_seconds"
        }
    }

    /// One upstream server of a remote model.
    public struct Upstream: Codable, Sendable {
        public var url: String
        /// The model name the upstream knows (default: the public name).
        public var model: String?
        public var apiKey: String?
        public var apiKeyEnv: String?

        enum CodingKeys: String, CodingKey {
            case url, model
            case apiKey = "api_key"
            case apiKeyEnv = "api_key_env"
        }
    }

    /// One public model name: a local `path`, or `upstreams`.
    public struct ModelEntry: Codable, Sendable {
        public var name: String
        public var path: String?
        public var parallel: Int?
        public var context: Int?
        public var queue: Int?
        public var threads: Int?
        public var batchSize: Int?
        public var upstreams: [Upstream]?
        public var timeoutSeconds: Double?
        public var retries: Int?
        public var cooldownSeconds: Double?

        enum CodingKeys: String, CodingKey {
            case name, path, parallel, context, queue, threads, upstreams, retries
            case batchSize = "batch_size"
            case timeoutSeconds = "timeout_seconds"
            case cooldownSeconds = "cooldown_seconds"
        }
    }

    public var server: Listen?
    public var models: [ModelEntry]

    /// Reads and checks a configuration file; errors name the file, the line and what was expected.
    public static func load(from path: String) throws -> ServerConfiguration {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError("cannot read '\(path)'", recovery: "Check the path passed to --config.")
        }
        let configuration: ServerConfiguration
        do {
            configuration = try YAMLDecoder().decode(ServerConfiguration.self, from: text)
        } catch let error as DecodingError {
            throw ConfigurationError("'\(path)': \(error.readableDescription)", recovery: "See the README's configuration section.")
        } catch {
            throw ConfigurationError("'\(path)' is not valid YAML: \(error)", recovery: "Fix the YAML syntax at the position given.")
        }
        try configuration.validate(path: path)
        return configuration
    }

    func validate(path: String) throws {
        guard !models.isEmpty else {
            throw ConfigurationError("'\(path)' lists no models", recovery: "Add at least one entry under 'models:'.")
        }
        var seen: Set<String> = []
        for (index, entry) in models.enumerated() {
            guard seen.insert(entry.name).inserted else {
                throw ConfigurationError("'\(path)': models[\(index)] repeats the name '\(entry.name)'", recovery: "Give every model its own name.")
            }
            let hasPath = entry.path != nil
            let hasUpstreams = !(entry.upstreams ?? []).isEmpty
            guard hasPath != hasUpstreams else {
                throw ConfigurationError(
                    "'\(path)': models[\(index)] ('\(entry.name)') needs exactly one of 'path' (a local GGUF) or 'upstreams'",
                    recovery: "Set 'path' for a model this process runs, or 'upstreams' for remote servers.")
            }
        }
    }

    /// The API key from the file or its environment variable.
    public var apiKey: String? {
        if let key = server?.apiKey { return key }
        if let name = server?.apiKeyEnv { return ProcessInfo.processInfo.environment[name] }
        return nil
    }

    /// Builds the remote pools of this configuration (local models are loaded by the caller).
    public static func pool(for entry: ModelEntry) -> UpstreamPool {
        let environment = ProcessInfo.processInfo.environment
        let backends = (entry.upstreams ?? []).map { upstream in
            RemoteBackend(
                endpoint: RemoteEndpoint(
                    baseURL: upstream.url, apiKey: upstream.apiKey ?? upstream.apiKeyEnv.flatMap { environment[$0] },
                    model: upstream.model ?? entry.name,
                    requestTimeout: .seconds(entry.timeoutSeconds ?? 600), maxRetries: entry.retries ?? 1))
        }
        return UpstreamPool(model: entry.name, upstreams: backends, coolDown: .seconds(entry.cooldownSeconds ?? 30))
    }
}

/// A configuration file that cannot be used, with what to do about it.
public struct ConfigurationError: EmergentError {
    public var message: String
    public var recovery: String?

    init(_ message: String, recovery: String?) {
        self.message = message
        self.recovery = recovery
    }
}
