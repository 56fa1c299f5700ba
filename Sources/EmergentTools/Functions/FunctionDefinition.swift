import EmergentCore
import Foundation

/// One of the user's own tools, served over HTTP: what the model sees (name, description, JSON Schema) and how a
/// call becomes a request (method, URL template, headers).
///
/// The URL is a template: `{name}` fills from the argument of that name, percent-encoded as a path segment.
/// Arguments not in the path go to the query string for GET, DELETE and HEAD, and into a JSON object body for
/// POST, PUT and PATCH, unless `arguments_in` or `argument_locations` says otherwise. Header values (and the URL)
/// may reference environment variables as `${NAME}`; they are filled when the function is loaded, and a missing
/// variable is a ``ToolConfigurationError``.
///
/// Decodes from YAML or JSON with snake_case keys:
/// ```yaml
/// name: get_weather
/// description: Current weather for a city
/// method: GET
/// url: https://api.example.com/weather/{city}
/// headers: { Authorization: "Bearer ${WEATHER_KEY}" }
/// parameters:
///   type: object
///   properties: { city: { type: string }, units: { type: string, enum: [metric, imperial] } }
///   required: [city]
/// ```
public struct FunctionDefinition: Sendable, Hashable, Codable {
    /// Where an argument goes in the request.
    public enum ArgumentLocation: String, Sendable, Hashable, Codable {
        case path, query, header, body
    }

    /// The tool's name, `^[a-zA-Z0-9_-]{1,64}$`.
    public var name: String
    public var description: String
    /// JSON Schema of the arguments (an object schema).
    public var parameters: JSONValue
    /// HTTP method, upper case: GET, POST, PUT, PATCH, DELETE or HEAD.
    public var method: String
    /// URL template, e.g. `https://api.example.com/users/{id}`.
    public var url: String
    /// Request headers; values may contain `${ENV_NAME}`.
    public var headers: [String: String]
    /// Where arguments that are not path parameters go (`query` or `body`); by default by method.
    public var argumentsIn: ArgumentLocation?
    /// Per-argument locations, overriding the defaults (OpenAPI imports set these).
    public var argumentLocations: [String: ArgumentLocation]
    /// Longest the request may take; the call's own timeout also applies. Default: the call's timeout.
    public var timeoutSeconds: Double?
    /// Response bytes kept for the model; longer responses are cut and say so. Default 65,536.
    public var maxResponseBytes: Int?

    enum CodingKeys: String, CodingKey {
        case name, description, parameters, method, url, headers
        case argumentsIn = "arguments_in"
        case argumentLocations = "argument_locations"
        case timeoutSeconds = "timeout_seconds"
        case maxResponseBytes = "max_response_bytes"
    }

    /// The schema of a function without arguments.
    public static let emptyParameters: JSONValue = ["type": "object", "properties": .object(JSONObject())]

    public init(
        name: String, description: String, parameters: JSONValue = FunctionDefinition.emptyParameters,
        method: String = "GET", url: String, headers: [String: String] = [:], argumentsIn: ArgumentLocation? = nil,
        argumentLocations: [String: ArgumentLocation] = [:], timeoutSeconds: Double? = nil,
        maxResponseBytes: Int? = nil
    ) {
        self.name = name
        self.description = description
        self.parameters = parameters
        self.method = method.uppercased()
        self.url = url
        self.headers = headers
        self.argumentsIn = argumentsIn
        self.argumentLocations = argumentLocations
        self.timeoutSeconds = timeoutSeconds
        self.maxResponseBytes = maxResponseBytes
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try container.decode(String.self, forKey: .name),
            description: try container.decodeIfPresent(String.self, forKey: .description) ?? "",
            parameters: try container.decodeIfPresent(JSONValue.self, forKey: .parameters)
                ?? FunctionDefinition.emptyParameters,
            method: try container.decodeIfPresent(String.self, forKey: .method) ?? "GET",
            url: try container.decode(String.self, forKey: .url),
            headers: try container.decodeIfPresent([String: String].self, forKey: .headers) ?? [:],
            argumentsIn: try container.decodeIfPresent(ArgumentLocation.self, forKey: .argumentsIn),
            argumentLocations: try container.decodeIfPresent(
                [String: ArgumentLocation].self, forKey: .argumentLocations) ?? [:],
            timeoutSeconds: try container.decodeIfPresent(Double.self, forKey: .timeoutSeconds),
            maxResponseBytes: try container.decodeIfPresent(Int.self, forKey: .maxResponseBytes))
    }

    /// Decodes a definition from parsed JSON or YAML, keeping the schema's key order.
    public init(json: JSONValue) throws(ToolConfigurationError) {
        do {
            self = try JSONDecoder().decode(FunctionDefinition.self, from: Data(json.compactJSON.utf8))
        } catch {
            let name = json["name"]?.stringValue.map { " '\($0)'" } ?? ""
            throw ToolConfigurationError(
                .invalidDefinition,
                "function\(name) is not a valid definition (\(error)); it needs at least name and url, "
                    + "and optionally description, method, parameters, headers")
        }
        if let parameters = json["parameters"] { self.parameters = parameters }
    }

    /// Whether a name is one a model API accepts for a tool: `^[a-zA-Z0-9_-]{1,64}$`.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "-") }
    }

    /// Where an argument goes when nothing names its location.
    var defaultLocation: ArgumentLocation {
        if let argumentsIn { return argumentsIn }
        return ["POST", "PUT", "PATCH"].contains(method) ? .body : .query
    }
}
