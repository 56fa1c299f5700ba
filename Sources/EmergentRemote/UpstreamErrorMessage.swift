import Foundation

/// The `error` member of an OpenAI-style error body: an object with a `message`, or (from some servers) a string.
struct UpstreamErrorMessage: Decodable {
    var message: String

    private struct Detail: Decodable {
        var message: String?
        var type: String?
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            message = text
        } else {
            let detail = try container.decode(Detail.self)
            message = detail.message ?? detail.type ?? "unknown error"
        }
    }

    private struct Envelope: Decodable {
        var error: UpstreamErrorMessage
    }

    /// The message in an error body: `error.message` for OpenAI's error JSON, `message` for a bare error object
    /// (llama-server's `error:` stream lines), else the text itself.
    static func message(in body: some Collection<UInt8>) -> String {
        let data = Data(body)
        let decoder = JSONDecoder()
        if let envelope = try? decoder.decode(Envelope.self, from: data) { return envelope.error.message }
        if let detail = try? decoder.decode(Detail.self, from: data), let message = detail.message { return message }
        let text = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return "(empty body)" }
        return text.count > 1000 ? String(text.prefix(1000)) + "…" : text
    }
}
