/// Where images are generated: an OpenAI-images-compatible endpoint (`POST {base_url}/images/generations`).
///
/// ```yaml
/// image:
///   base_url: https://api.openai.com/v1
///   api_key: ${OPENAI_API_KEY}
///   model: dall-e-3
///   size: 1024x1024
/// ```
public struct ImageGenerationSettings: Sendable, Hashable, Codable {
    /// The API root; the tool posts to `{base_url}/images/generations`.
    public var baseURL: String
    /// Sent as `Authorization: Bearer …`; may be `${ENV_NAME}`. Omit for endpoints without keys.
    public var apiKey: String?
    public var model: String
    /// Default image size (`1024x1024`); the model may ask for another.
    public var size: String?
    /// How long one generation may take (default 120 s; the call's own timeout also applies).
    public var timeoutSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case model, size
        case baseURL = "base_url"
        case apiKey = "api_key"
        case timeoutSeconds = "timeout_seconds"
    }

    public init(
        baseURL: String, apiKey: String? = nil, model: String, size: String? = nil, timeoutSeconds: Double? = nil
    ) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.model = model
        self.size = size
        self.timeoutSeconds = timeoutSeconds
    }
}
