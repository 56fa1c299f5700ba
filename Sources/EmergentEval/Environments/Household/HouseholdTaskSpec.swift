import EmergentCore
import Foundation

/// One household task as its JSONL line states it: `{"id", "type", "seed"}` and optionally `scene`, `object`,
/// `target` to pin those choices. The room and goal regenerate from it deterministically.
public struct HouseholdTaskSpec: Sendable, Hashable {
    public var id: String
    public var type: HouseholdTaskType
    public var seed: Int
    public var scene: String?
    public var object: String?
    public var target: String?

    public init(id: String, type: HouseholdTaskType, seed: Int, scene: String? = nil, object: String? = nil,
                target: String? = nil) {
        self.id = id
        self.type = type
        self.seed = seed
        self.scene = scene
        self.object = object
        self.target = target
    }

    /// Reads a task line; the error names the field that is wrong.
    public init(json: JSONValue) throws {
        guard let object = json.objectValue else {
            throw EnvironmentError("a task must be a JSON object, not \(json.typeName)")
        }
        guard let id = object["id"]?.stringValue, !id.isEmpty else {
            throw EnvironmentError("field 'id' must be a non-empty string")
        }
        guard let typeName = object["type"]?.stringValue, let type = HouseholdTaskType(rawValue: typeName) else {
            throw EnvironmentError("field 'type' must be one of "
                                   + HouseholdTaskType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard let seed = object["seed"]?.intValue, seed >= 0 else {
            throw EnvironmentError("field 'seed' must be a non-negative integer")
        }
        func optionalString(_ key: String) throws -> String? {
            guard let value = object[key], value != .null else { return nil }
            guard let text = value.stringValue, !text.isEmpty else {
                throw EnvironmentError("field '\(key)' must be a non-empty string when given")
            }
            return text
        }
        self.init(id: id, type: type, seed: seed, scene: try optionalString("scene"),
                  object: try optionalString("object"), target: try optionalString("target"))
    }

    /// The line's fields as JSON (the `EvalTask` payload).
    public var json: JSONValue {
        var object: JSONObject = ["id": .string(id), "type": .string(type.rawValue), "seed": .int(seed)]
        if let scene { object["scene"] = .string(scene) }
        if let target = self.object { object["object"] = .string(target) }
        if let target { object["target"] = .string(target) }
        return .object(object)
    }

    /// The room and goal this task stands for.
    public func scenario() throws -> HouseholdScenario {
        try HouseholdGenerator(seed: seed).generate(type: type, scene: scene, object: object, target: target)
    }
}
