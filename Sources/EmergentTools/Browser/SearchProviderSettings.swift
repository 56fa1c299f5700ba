import AsyncHTTPClient
import Foundation

/// Which search provider an agent's browser uses, as written in its settings:
///
/// ```yaml
/// search: { provider: searxng, url: http://localhost:8888 }
/// search: { provider: brave, api_key_env: BRAVE_API_KEY }        # url defaults to Brave's endpoint
/// search: { provider: local, folder: ./site, base_url: https://docs.example.org/ }
/// ```
public struct SearchProviderSettings: Sendable, Hashable, Codable {
    /// The kinds of provider.
    public enum Kind: String, Sendable, Hashable, Codable {
        case searxng, brave, local
    }

    public var provider: Kind
    /// SearXNG's base URL, or the keyed API's endpoint.
    public var url: String?
    /// The keyed API's key, written in the settings.
    public var apiKey: String?
    /// The environment variable that holds the key (preferred over writing it in the settings).
    public var apiKeyEnvironment: String?
    /// The local provider's folder.
    public var folder: String?
    /// The local provider's public base URL for result links (default: `file://` URLs).
    public var baseURL: String?

    enum CodingKeys: String, CodingKey {
        case provider, url, folder
        case apiKey = "api_key"
        case apiKeyEnvironment = "api_key_env"
        case baseURL = "base_url"
    }

    public init(
        provider: Kind, url: String? = nil, apiKey: String? = nil, apiKeyEnvironment: String? = nil,
        folder: String? = nil, baseURL: String? = nil
    ) {
        self.provider = provider
        self.url = url
        self.apiKey = apiKey
        self.apiKeyEnvironment = apiKeyEnvironment
        self.folder = folder
        self.baseURL = baseURL
    }

    /// Builds the provider; web providers send their requests with `client`. A relative `folder` is resolved
    /// against `directory`.
    public func makeProvider(
        client: HTTPClient, relativeTo directory: URL? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws(BrowserError) -> any SearchProvider {
        switch provider {
        case .searxng:
            guard let url, let base = URL(string: url), base.host != nil else {
                throw .configuration("the searxng provider needs \"url\", the instance's base URL (http://host:port)")
            }
            return SearXNGProvider(baseURL: base, client: client)
        case .brave:
            guard let endpoint = url.map({ URL(string: $0) }) ?? BraveSearchProvider.defaultEndpoint,
                endpoint.host != nil
            else { throw .configuration("the brave provider's \"url\" is not a valid URL") }
            let key = apiKeyEnvironment.flatMap { environment[$0] } ?? apiKey ?? ""
            guard !key.isEmpty else {
                let hint =
                    apiKeyEnvironment.map { "set the environment variable \($0)" }
                    ?? "set \"api_key_env\" or \"api_key\""
                throw .configuration("the brave provider needs an API key: \(hint)")
            }
            return BraveSearchProvider(endpoint: endpoint, apiKey: key, client: client)
        case .local:
            guard let folder, !folder.isEmpty else {
                throw .configuration("the local provider needs \"folder\", a folder of .html/.md/.txt files")
            }
            let expanded = (folder as NSString).expandingTildeInPath
            let location =
                expanded.hasPrefix("/")
                ? URL(fileURLWithPath: expanded, isDirectory: true)
                : (directory ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                    .appendingPathComponent(expanded, isDirectory: true)
            var base: URL?
            if let baseURL {
                guard let parsed = URL(string: baseURL), parsed.scheme != nil else {
                    throw .configuration("the local provider's \"base_url\" (\(baseURL)) is not an absolute URL")
                }
                base = parsed
            }
            return try await LocalSearchProvider.open(folder: location, baseURL: base)
        }
    }
}
