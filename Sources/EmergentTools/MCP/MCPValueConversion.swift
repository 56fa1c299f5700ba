import EmergentCore
import Foundation
import MCP

/// Conversions between the MCP SDK's `Value` and ``JSONValue``.
enum MCPValueConversion {
    static func value(_ json: JSONValue) -> Value {
        switch json {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .int(let number): .int(number)
        case .double(let number): .double(number)
        case .string(let text): .string(text)
        case .array(let items): .array(items.map(value))
        case .object(let object): .object(Dictionary(object.map { ($0.key, value($0.value)) }, uniquingKeysWith: { $1 }))
        }
    }

    /// The JSON a `Value` encodes to (object keys sorted, as MCP's `Value` keeps no order).
    static func json(_ value: Value) -> JSONValue {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(value), let json = try? JSONParser.parse([UInt8](data)) else {
            return .null
        }
        return json
    }
}
