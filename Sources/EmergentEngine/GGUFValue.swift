/// A metadata value from a GGUF file's header.
///
/// Arrays longer than `GGUFValue.arrayPreviewLimit` (token lists, merges) keep only their element type and
/// count, so reading a header never materialises hundreds of thousands of strings.
public enum GGUFValue: Sendable, Hashable, CustomStringConvertible {
    case unsigned(UInt64)
    case signed(Int64)
    case float(Double)
    case bool(Bool)
    case string(String)
    case array([GGUFValue])
    case largeArray(elementType: String, count: Int)

    /// Arrays up to this length are kept element by element.
    public static let arrayPreviewLimit = 64

    public var description: String {
        switch self {
        case .unsigned(let value): String(value)
        case .signed(let value): String(value)
        case .float(let value): String(value)
        case .bool(let value): String(value)
        case .string(let value): value
        case .array(let values): "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .largeArray(let type, let count): "[\(count) × \(type)]"
        }
    }

    /// The value as an integer, when it is one.
    public var intValue: Int? {
        switch self {
        case .unsigned(let value): Int(exactly: value)
        case .signed(let value): Int(exactly: value)
        default: nil
        }
    }

    /// The value as a string, when it is one.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }
}
