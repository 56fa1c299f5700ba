import Foundation

extension JSONValue {
    /// The JSON form of any `Encodable` value, keys sorted (so the output is stable).
    public init(encoding value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        self = try JSONParser.parse(Array(try encoder.encode(value)))
    }

    /// Decodes this JSON as `type`; errors are the decoder's, with their coding path.
    public func decode<T: Decodable>(as type: T.Type) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return try decoder.decode(type, from: Data(compactJSON.utf8))
    }
}
