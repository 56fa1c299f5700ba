import EmergentCore
import Yams

/// Reads YAML (or JSON, which YAML contains) into a ``JSONValue``, keeping mapping order and scalar types.
enum YAMLJSON {
    /// Parses `text`; JSON text goes through ``JSONParser`` (exact numbers), anything else through Yams.
    static func parse(_ text: String) throws -> JSONValue {
        let trimmed = text.drop { $0.isWhitespace }
        if trimmed.first == "{" || trimmed.first == "[" {
            if let value = try? JSONParser.parse(text) { return value }
        }
        guard let node = try Yams.compose(yaml: text) else { return .null }
        return value(of: node)
    }

    static func value(of node: Node) -> JSONValue {
        switch node {
        case .mapping(let mapping):
            var object = JSONObject()
            for (key, member) in mapping {
                object[key.string ?? key.any as? String ?? "\(key.any)"] = value(of: member)
            }
            return .object(object)
        case .sequence(let sequence):
            return .array(sequence.map(value(of:)))
        case .scalar(let scalar):
            switch node.tag.rawValue {
            case Tag.Name.null.rawValue: return .null
            case Tag.Name.bool.rawValue: return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
            case Tag.Name.int.rawValue: return node.int.map(JSONValue.int) ?? .string(scalar.string)
            case Tag.Name.float.rawValue: return node.float.map(JSONValue.double) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .alias:
            return .null
        }
    }
}
