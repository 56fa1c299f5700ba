/// The user's HTTP tools for one agent: functions declared one by one, and OpenAPI documents whose operations
/// become tools.
///
/// ```yaml
/// functions:
///   - name: get_weather
///     description: Current weather for a city
///     url: https://api.example.com/weather/{city}
///     headers: { Authorization: "Bearer ${WEATHER_KEY}" }
///     parameters: { type: object, properties: { city: { type: string } }, required: [city] }
/// openapi:
///   - location: ./petstore.yaml
///     headers: { Authorization: "Bearer ${PETSTORE_TOKEN}" }
/// ```
public struct FunctionSettings: Sendable, Hashable, Codable {
    public var functions: [FunctionDefinition]
    public var openapi: [OpenAPISource]

    public init(functions: [FunctionDefinition] = [], openapi: [OpenAPISource] = []) {
        self.functions = functions
        self.openapi = openapi
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            functions: try container.decodeIfPresent([FunctionDefinition].self, forKey: .functions) ?? [],
            openapi: try container.decodeIfPresent([OpenAPISource].self, forKey: .openapi) ?? [])
    }
}
