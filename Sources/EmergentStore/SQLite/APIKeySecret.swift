import Crypto
import Foundation

/// The text of an API key (`emk-` and 40 random base62 characters) and what the database keeps of it instead.
enum APIKeySecret {
    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// A new key, from the system's cryptographic random source.
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        var secret = "emk-"
        for _ in 0..<40 {
            // `randomElement(using:)` draws uniformly, so every character carries log2(62) bits.
            secret.append(alphabet.randomElement(using: &generator) ?? "0")
        }
        return secret
    }

    /// Lowercase hex SHA-256 of the whole key: the only form of it that is stored.
    static func hash(_ secret: String) -> String {
        Hex.string(SHA256.hash(data: Data(secret.utf8)))
    }

    /// The first 12 characters, shown in lists so people can tell their keys apart.
    static func prefix(of secret: String) -> String {
        String(secret.prefix(12))
    }
}
