import EmergentCore

/// Random record ids: a kind prefix and 24 lowercase hex digits (96 random bits).
enum RecordID {
    static let agent = "agt_"
    static let conversation = "conv_"
    static let file = "file-"
    static let key = "key_"

    static func make(_ prefix: String) -> String { prefix + RandomID.hex(24) }
}

/// Lowercase hexadecimal text for bytes.
enum Hex {
    private static let digits = Array("0123456789abcdef")

    static func string<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var text = ""
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return text
    }
}
