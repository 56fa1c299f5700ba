import EmergentEngine
import EmergentEval
import Foundation
import Testing

@Suite("Measure: runs, cache and results files")
struct MeasureRunTests {
    @Test("a second run reads every (checkpoint, task) pair from the cache and gives the same results")
    func cacheMakesRerunsCheap() async throws {
        let directory = try MeasureResources.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try MeasureResources.write(
            [
                "capitals.yaml": MeasureResources.capitalsYAML, "capitals.jsonl": MeasureResources.capitalsJSONL,
                "checkpoints.yaml":
                    "- id: base\n  path: \(MeasureResources.modelPath)\n  parameters: 2.7e8\n  label: Base\n",
            ], in: directory)
        let checkpoints = try EmergenceCheckpoint.loadList(from: directory.appendingPathComponent("checkpoints.yaml"))
        #expect(
            checkpoints == [
                EmergenceCheckpoint(id: "base", path: MeasureResources.modelPath, parameters: 2.7e8, label: "Base")
            ])
        let measurement = EmergenceMeasurement(
            checkpoints: checkpoints,
            corpus: "The quick brown fox jumps over the lazy dog. " + String(repeating: "It ran far away. ", count: 10),
            corpusName: "fox", tasks: [try EmergenceTask.load(from: directory.appendingPathComponent("capitals.yaml"))],
            contextLength: 128, limit: 2, cache: MeasurementCache(directory: directory.appendingPathComponent("cache")))

        let first = try await measurement.run()
        #expect(first.computed == 2)
        #expect(first.fromCache == 0)
        let events = EventLog()
        let second = try await measurement.run { events.append($0) }
        #expect(second.computed == 0)
        #expect(second.fromCache == 2)
        #expect(second.results == first.results)
        #expect(events.all.contains(.cached(checkpoint: "base", stage: "capitals")))
        #expect(!events.all.contains { if case .step = $0 { true } else { false } }, "nothing was recomputed")

        // A different limit is a different measurement.
        var other = measurement
        other.limit = 3
        let third = try await other.run()
        #expect(third.computed == 1)
        #expect(third.fromCache == 1)
        #expect(third.results.rows.allSatisfy { $0.count == 3 })

        let files = try first.results.writeFiles(to: directory.appendingPathComponent("out"))
        #expect(try EmergenceResults.load(from: files.json) == first.results)
        let csv = try String(contentsOf: files.csv, encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 1 + 4)
        #expect(csv[1].hasPrefix("base,Base,270000000.0,,"))
        #expect(first.results.checkpoints.first.map { $0.loss > 0 } == true)
    }

    static let badTasks: [(name: String, files: [String: String], message: String)] = [
        ("missing task file", [:], "cannot read the task file"),
        (
            "malformed JSONL line",
            [
                "task.yaml": MeasureResources.capitalsYAML.replacingOccurrences(
                    of: "capitals.jsonl", with: "data.jsonl"),
                "data.jsonl": "{\"country\": \"France\", \"choices\": [\"Paris\", \"Rome\"], \"answer\": 0}\n\n{oops\n",
            ], "line 3"
        ),
        (
            "unknown output_type",
            [
                "task.yaml": MeasureResources.capitalsYAML.replacingOccurrences(
                    of: "multiple_choice", with: "loglikelihood_rolling"),
                "capitals.jsonl": MeasureResources.capitalsJSONL,
            ],
            "unknown output_type 'loglikelihood_rolling'"
        ),
        (
            "missing dataset",
            ["task.yaml": MeasureResources.capitalsYAML],
            "cannot read its dataset_path"
        ),
        (
            "bad filter",
            [
                "task.yaml": MeasureResources.additionYAML.replacingOccurrences(of: "(-?[0-9]+)", with: "([0-9]"),
                "addition.jsonl": MeasureResources.additionJSONL,
            ],
            "not a valid regular expression"
        ),
    ]

    @Test("bad task files are rejected with a message naming the problem", arguments: badTasks.indices)
    func badTaskFiles(index: Int) throws {
        let bad = Self.badTasks[index]
        let directory = try MeasureResources.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try MeasureResources.write(bad.files, in: directory)
        do throws(EmergenceError) {
            _ = try EmergenceTask.load(from: directory.appendingPathComponent("task.yaml"))
            Issue.record("\(bad.name) was accepted")
        } catch {
            #expect(error.message.contains(bad.message), "\(bad.name): \(error.message)")
        }
    }

    @Test("a record without a field the template uses is named by its line")
    func missingField() throws {
        let directory = try MeasureResources.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try MeasureResources.write(
            [
                "task.yaml": MeasureResources.capitalsYAML,
                "capitals.jsonl": MeasureResources.capitalsJSONL + "\n{\"choices\": [\"a\", \"b\"], \"answer\": 0}",
            ],
            in: directory)
        let task = try EmergenceTask.load(from: directory.appendingPathComponent("task.yaml"))
        #expect(throws: EmergenceError.self) { _ = try task.items() }
        do throws(EmergenceError) {
            _ = try task.items()
        } catch {
            #expect(error.message.contains("line 4"))
            #expect(error.message.contains("'country'"))
        }
        #expect(try task.items(limit: 3).count == 3)
    }

    @Test("the shipped demo tasks load, with 200+ knowledge items and a 4-step arithmetic ladder")
    func shippedTasks() throws {
        let data = MeasureResources.repositoryRoot.appendingPathComponent("data/emergence")
        let knowledge = try EmergenceTask.load(from: data.appendingPathComponent("knowledge.yaml"))
        #expect(try knowledge.items().count >= 200)
        for digits in 1...4 {
            let task = try EmergenceTask.load(from: data.appendingPathComponent("arithmetic_\(digits)digit.yaml"))
            #expect(task.outputType == .generateUntil)
            #expect(try task.items().count == 50)
        }
    }
}

/// Collects progress events from a measurement.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [EmergenceProgress] = []

    func append(_ event: EmergenceProgress) {
        lock.lock()
        events.append(event)
        lock.unlock()
    }

    var all: [EmergenceProgress] {
        lock.lock()
        defer { lock.unlock() }
        return events
    }
}
