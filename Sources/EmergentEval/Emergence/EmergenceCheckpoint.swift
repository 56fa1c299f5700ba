import Foundation
import Yams

/// One model to measure, as listed in a checkpoints file: a GGUF file with its size and training budget.
public struct EmergenceCheckpoint: Sendable, Hashable, Codable {
    /// A short unique id used in the results (`q4_k_m`, `step-20000`).
    public var id: String
    /// The GGUF file; a relative path is resolved against the checkpoints file's folder.
    public var path: String
    /// Parameter count N.
    public var parameters: Double
    /// Training tokens D, when known.
    public var trainingTokens: Double?
    public var label: String?

    enum CodingKeys: String, CodingKey {
        case id, path, parameters, trainingTokens = "training_tokens", label
    }

    public init(id: String, path: String, parameters: Double, trainingTokens: Double? = nil, label: String? = nil) {
        self.id = id
        self.path = path
        self.parameters = parameters
        self.trainingTokens = trainingTokens
        self.label = label
    }

    /// Reads a checkpoints file: a YAML list of `{id, path, parameters, training_tokens?, label?}`.
    public static func loadList(from url: URL) throws(EmergenceError) -> [EmergenceCheckpoint] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw EmergenceError("cannot read the checkpoints file '\(url.path)'; check the path")
        }
        var list: [EmergenceCheckpoint]
        do {
            list = try YAMLDecoder().decode([EmergenceCheckpoint].self, from: text)
        } catch {
            throw EmergenceError(
                "'\(url.path)' is not a checkpoints file: expected a YAML list of {id, path, parameters, "
                    + "training_tokens?, label?} (\(error))")
        }
        guard !list.isEmpty else { throw EmergenceError("the checkpoints file '\(url.path)' lists no checkpoints") }
        var seen = Set<String>()
        for index in list.indices {
            guard seen.insert(list[index].id).inserted else {
                throw EmergenceError(
                    "checkpoint id '\(list[index].id)' appears twice in '\(url.path)'; ids must be unique")
            }
            if !list[index].path.hasPrefix("/") {
                list[index].path = url.deletingLastPathComponent().appendingPathComponent(list[index].path).path
            }
            guard FileManager.default.fileExists(atPath: list[index].path) else {
                throw EmergenceError(
                    "checkpoint '\(list[index].id)': the model file '\(list[index].path)' does not exist")
            }
        }
        return list
    }
}
