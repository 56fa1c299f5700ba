/// Turns a stream of token pieces into text without ever emitting a broken UTF-8 sequence.
///
/// A multi-byte character (an emoji, a CJK ideograph) is often split across two or three tokens. The bytes of an
/// incomplete trailing sequence are held back until the tokens that complete it arrive.
public struct StreamingDetokenizer: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    /// Adds a token's bytes and returns the text that is now complete (possibly empty).
    public mutating func append(_ bytes: [UInt8]) -> String {
        pending.append(contentsOf: bytes)
        let complete = Self.completePrefixLength(pending)
        guard complete > 0 else { return "" }
        let text = String(decoding: pending[0..<complete], as: UTF8.self)
        pending.removeFirst(complete)
        return text
    }

    /// Returns whatever is still held back, with an incomplete sequence shown as U+FFFD.
    public mutating func flush() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// True when bytes are held back waiting for the rest of a character.
    public var isHoldingBytes: Bool { !pending.isEmpty }

    /// Length of the longest prefix that does not end inside a multi-byte sequence that could still complete.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        let count = bytes.count
        // Look back at most 3 bytes for the lead byte of the last sequence.
        var index = count - 1
        var continuation = 0
        while index >= 0 && continuation < 3 && bytes[index] & 0b1100_0000 == 0b1000_0000 {
            continuation += 1
            index -= 1
        }
        guard index >= 0 else { return count }  // only continuation bytes: invalid, nothing to wait for
        let lead = bytes[index]
        let expected: Int =
            switch lead {
            case 0xC2...0xDF: 2
            case 0xE0...0xEF: 3
            case 0xF0...0xF4: 4
            default: 1  // ASCII or an invalid lead byte: nothing to wait for
            }
        return continuation + 1 < expected ? index : count
    }
}
