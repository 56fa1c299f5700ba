import EmergentCore
import EmergentEngine
import Foundation

/// Where the measure tests find the model, the peers and the shipped data, plus scratch task files.
enum MeasureResources {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var modelPath: String { EmergentPaths().defaultModel.path }

    static var corpus: URL { repositoryRoot.appendingPathComponent("data/emergence/corpus.txt") }

    static func peer(_ name: String) -> String? {
        let path = repositoryRoot.appendingPathComponent(".deps/peers/bin/\(name)").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// A fresh scratch directory, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("emergent-measure-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `files` (name → text) into `directory`.
    static func write(_ files: [String: String], in directory: URL) throws {
        for (name, text) in files {
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
    }

    static let capitalsYAML = """
        task: capitals
        dataset_path: capitals.jsonl
        output_type: multiple_choice
        doc_to_text: "Question: What is the capital of {{country}}?\\nAnswer:"
        doc_to_choice: "{{choices}}"
        doc_to_target: "{{answer}}"
        target_delimiter: " "
        """

    static let capitalsJSONL = """
        {"country": "France", "choices": ["Paris", "Banana", "Seven"], "answer": 0}
        {"country": "Japan", "choices": ["Purple", "Tokyo", "Spoon"], "answer": "Tokyo"}
        {"country": "Italy", "choices": ["Window", "Hammer", "Rome"], "answer": 2}
        """

    static let additionYAML = """
        task: addition
        dataset_path: addition.jsonl
        output_type: generate_until
        doc_to_text: "Question: What is {{a}} + {{b}}?\\nAnswer:"
        doc_to_target: "{{answer}}"
        generation_kwargs:
          until: ["\\n"]
          max_gen_toks: 8
        filter: "(-?[0-9]+)"
        num_fewshot: 2
        """

    static let additionJSONL = """
        {"a": 1, "b": 1, "answer": "2"}
        {"a": 2, "b": 3, "answer": "5"}
        {"a": 10, "b": 20, "answer": "30"}
        {"a": 4, "b": 4, "answer": "8"}
        """
}

/// The default model, loaded once for the whole test run.
enum MeasureModel {
    private static let loading = Task { try await Model.load(from: MeasureResources.modelPath) }

    static func session(contextLength: Int = 512) async throws -> InferenceSession {
        try await InferenceSession(
            model: try await loading.value, options: SessionOptions(contextLength: contextLength))
    }
}
