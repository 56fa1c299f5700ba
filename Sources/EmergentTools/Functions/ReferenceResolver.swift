import Foundation
import EmergentCore

/// Resolves local JSON references (`#/components/schemas/Pet`) inside one OpenAPI document.
struct ReferenceResolver: Sendable {
    let document: JSONValue

    /// The value a `$ref` object points to (following chains), or the value itself.
    func resolve(_ value: JSONValue) -> JSONValue {
        var current = value
        var hops = 0
        while let reference = current["$ref"]?.stringValue, hops < 32, let target = lookup(reference) {
            current = target
            hops += 1
        }
        return current
    }

    /// `value` with every local `$ref` replaced by what it points to, recursively. A reference that refers back
    /// to itself (a recursive schema) is cut at the second visit, leaving an unconstrained `{}`.
    func inline(_ value: JSONValue, visiting: Set<String> = []) -> JSONValue {
        switch value {
        case .object(let object):
            if let reference = object["$ref"]?.stringValue {
                guard !visiting.contains(reference), let target = lookup(reference) else { return .object(JSONObject()) }
                return inline(target, visiting: visiting.union([reference]))
            }
            var result = JSONObject()
            for (key, member) in object { result[key] = inline(member, visiting: visiting) }
            return .object(result)
        case .array(let items):
            return .array(items.map { inline($0, visiting: visiting) })
        default:
            return value
        }
    }

    /// The value at a `#/a/b/c` pointer, decoding `~1` and `~0`.
    func lookup(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#/") else { return nil }
        var current = document
        for token in reference.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false) {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            if let object = current.objectValue, let next = object[key] {
                current = next
            } else if let items = current.arrayValue, let index = Int(key), items.indices.contains(index) {
                current = items[index]
            } else {
                return nil
            }
        }
        return current
    }
}
