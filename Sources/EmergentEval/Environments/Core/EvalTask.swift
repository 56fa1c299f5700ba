import EmergentCore
import Foundation

/// One task of one environment. `payload` holds the environment's own task fields (a DB task's table and
/// question, a household task's layout and goal); each environment documents them in `docs/eval.md`.
public struct EvalTask: Sendable, Hashable, Codable {
    /// Unique within its environment and task file; results and trajectories are keyed by it.
    public var id: String
    public var environment: String
    /// One line for progress and reports.
    public var summary: String
    public var payload: JSONValue

    public init(id: String, environment: String, summary: String, payload: JSONValue) {
        self.id = id
        self.environment = environment
        self.summary = summary
        self.payload = payload
    }
}

/// A task file or task that cannot be used, or an environment that cannot run; the message says what to fix.
public struct EnvironmentError: EmergentError {
    public var message: String
    public var recovery: String?

    public init(_ message: String, recovery: String? = nil) {
        self.message = message
        self.recovery = recovery
    }

    /// A problem at one line of a task file.
    public static func badTask(_ file: URL, line: Int, _ problem: String) -> EnvironmentError {
        EnvironmentError("\(file.path):\(line): \(problem)")
    }
}

/// The dev task files shipped inside the EmergentEval bundle (`Resources/tasks/NAME.jsonl`), and data such as
/// the knowledge graph (`Resources/NAME`).
public enum BundledData {
    /// The URL of a shipped resource, or an error saying the installation is incomplete.
    public static func url(_ relativePath: String) throws -> URL {
        guard let root = Bundle.module.resourceURL else {
            throw EnvironmentError("the EmergentEval resource bundle is missing; rebuild with 'swift build'")
        }
        // Foundation on Linux takes a bundle's `Resources` folder as its resource folder; elsewhere the copied
        // folder sits inside the bundle. Look in both.
        let candidates = [root.appendingPathComponent(relativePath),
                          root.appendingPathComponent("Resources").appendingPathComponent(relativePath)]
        guard let url = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw EnvironmentError("shipped data file '\(relativePath)' is missing from \(root.path)",
                                   recovery: "Rebuild with 'swift build' so the EmergentEval resources are copied.")
        }
        return url
    }

    /// The shipped dev tasks file of an environment.
    public static func tasksFile(_ environment: String) throws -> URL {
        try url("tasks/\(environment).jsonl")
    }
}

/// Reading JSON Lines task files with errors that name the line.
public enum JSONLines {
    /// Parses each non-blank line of `file` as JSON and hands it to `make` with its 1-based line number.
    public static func read<T>(_ file: URL, _ make: (JSONValue, Int) throws -> T) throws -> [T] {
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw EnvironmentError("cannot read task file \(file.path): \(error.localizedDescription)")
        }
        var items: [T] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            let value: JSONValue
            do {
                value = try JSONParser.parse(trimmed)
            } catch {
                throw EnvironmentError.badTask(file, line: index + 1, "not valid JSON (\(error))")
            }
            items.append(try make(value, index + 1))
        }
        return items
    }
}
