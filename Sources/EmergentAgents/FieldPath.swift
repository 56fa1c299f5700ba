import EmergentCore

/// Where a value sits in an agent file, written as users read it: `tools.functions[0].url`, `suggested_prompts[2]`.
struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    /// One step down: a mapping key or a list position.
    enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    var components: [Component]

    init(_ components: [Component] = []) { self.components = components }

    /// The path a decoder reports, relative to this one.
    init(_ base: FieldPath, codingPath: [any CodingKey]) {
        self.init(base.components + codingPath.map { $0.intValue.map(Component.index) ?? .key($0.stringValue) })
    }

    static let root = FieldPath()

    func appending(_ key: String) -> FieldPath { FieldPath(components + [.key(key)]) }
    func appending(_ index: Int) -> FieldPath { FieldPath(components + [.index(index)]) }

    /// The value at this path inside `root`, which sits at `base`; `nil` when there is none.
    func value(in root: JSONValue, at base: FieldPath) -> JSONValue? {
        guard components.starts(with: base.components) else { return nil }
        var value: JSONValue? = root
        for component in components.dropFirst(base.components.count) {
            switch (component, value) {
            case (.key(let key), .object(let object)?): value = object[key]
            case (.index(let index), .array(let items)?): value = items.indices.contains(index) ? items[index] : nil
            default: return nil
            }
        }
        return value
    }

    var description: String {
        var text = ""
        for component in components {
            switch component {
            case .key(let key): text += text.isEmpty ? key : ".\(key)"
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }
}
