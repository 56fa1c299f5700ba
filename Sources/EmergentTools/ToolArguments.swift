import EmergentCore
import Foundation

/// Reads a tool call's JSON arguments forgivingly (models write `"3"` for 3 and a string for a one-item list),
/// throwing a ``ToolError`` that names the tool and the argument when one is missing or of the wrong kind.
struct ToolArguments {
    let tool: String
    let object: JSONObject

    init(_ value: JSONValue, tool: String) throws {
        self.tool = tool
        switch value {
        case .object(let object): self.object = object
        case .null: self.object = JSONObject()
        case .string(let text):
            if let parsed = try? JSONParser.parse(text), case .object(let object) = parsed {
                self.object = object
            } else {
                throw ToolError("\(tool) expects a JSON object of arguments, got a string")
            }
        default: throw ToolError("\(tool) expects a JSON object of arguments, got \(value.typeName)")
        }
    }

    /// The first present key among `names` as a string (numbers are written out).
    func string(_ names: String...) -> String? {
        for name in names {
            switch object[name] {
            case .string(let text)?: return text
            case .int(let number)?: return String(number)
            case .double(let number)?: return String(number)
            default: continue
            }
        }
        return nil
    }

    func requiredString(_ name: String, _ aliases: String...) throws -> String {
        for key in [name] + aliases {
            if let value = string(key) { return value }
        }
        throw ToolError("\(tool) needs the string argument \"\(name)\"")
    }

    /// An integer argument; strings holding numbers are accepted.
    func int(_ name: String) throws -> Int? {
        switch object[name] {
        case nil, .null?: return nil
        case .int(let number)?: return number
        case .double(let number)? where number.rounded() == number: return Int(number)
        case .string(let text)?:
            if let number = Int(text.trimmingCharacters(in: .whitespaces)) { return number }
        default: break
        }
        throw ToolError("\(tool): \"\(name)\" must be a whole number")
    }

    /// A list of strings from an array (numbers written out) or a single string.
    func strings(_ names: String...) -> [String]? {
        for name in names {
            switch object[name] {
            case .array(let items)?:
                return items.compactMap { item in
                    switch item {
                    case .string(let text): text
                    case .int(let number): String(number)
                    default: nil
                    }
                }
            case .string(let text)?: return [text]
            case .int(let number)?: return [String(number)]
            default: continue
            }
        }
        return nil
    }
}
