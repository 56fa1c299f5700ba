/// An OpenAPI 3 document to import as function tools, with what the document itself cannot say: where the server
/// is (if not `servers[0]`), the headers to authenticate with, and which operations to offer.
///
/// ```yaml
/// openapi:
///   - location: ./petstore.yaml          # a file path, or an http(s) URL
///     server_url: https://petstore.example.com/v1   # optional; default servers[0].url
///     headers: { Authorization: "Bearer ${PETSTORE_TOKEN}" }
///     operations: [listPets, showPetById]  # optional; default all
/// ```
public struct OpenAPISource: Sendable, Hashable, Codable {
    /// A file path or an `http(s)://` URL of the document (JSON or YAML).
    public var location: String
    /// Overrides the document's `servers[0].url`.
    public var serverURL: String?
    /// Headers sent with every operation's request; values may contain `${ENV_NAME}`.
    public var headers: [String: String]
    /// Tool names (after sanitizing) to offer; `nil` offers every operation.
    public var operations: [String]?
    /// Timeout for each operation's request.
    public var timeoutSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case location, headers, operations
        case serverURL = "server_url"
        case timeoutSeconds = "timeout_seconds"
    }

    public init(
        location: String, serverURL: String? = nil, headers: [String: String] = [:], operations: [String]? = nil,
        timeoutSeconds: Double? = nil
    ) {
        self.location = location
        self.serverURL = serverURL
        self.headers = headers
        self.operations = operations
        self.timeoutSeconds = timeoutSeconds
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            location: try container.decode(String.self, forKey: .location),
            serverURL: try container.decodeIfPresent(String.self, forKey: .serverURL),
            headers: try container.decodeIfPresent([String: String].self, forKey: .headers) ?? [:],
            operations: try container.decodeIfPresent([String].self, forKey: .operations),
            timeoutSeconds: try container.decodeIfPresent(Double.self, forKey: .timeoutSeconds))
    }
}
