import EmergentCore
import EmergentEval
import Foundation
import Testing

@Suite("Emergence fit on bad input")
struct EmergenceInputTests {
    static let checkpoints = (0..<6).map {
        EmergenceResults.Checkpoint(id: "c\($0)", parameters: 1e8 * Double($0 + 1), loss: 3.5 - 0.2 * Double($0))
    }

    @Test(
        "empty results are refused with a clear error",
        arguments: [
            EmergenceResults(corpus: "x", checkpoints: [], rows: []),
            EmergenceResults(corpus: "x", checkpoints: checkpoints, rows: []),
        ])
    func emptyResults(results: EmergenceResults) {
        #expect(throws: EmergenceError.self) { try EmergenceFitter(bootstrapResamples: 0).fit(results) }
    }

    @Test("a task with fewer than 4 points is reported as too few points, beside a task that fits")
    func tooFewPoints() throws {
        var rows = Self.checkpoints.prefix(3).map {
            EmergenceResults.Row(
                checkpoint: $0.id, task: "tiny", metric: "acc", value: 0.3, chance: 0.25, higherIsBetter: true,
                continuous: false, count: 100
            )
        }
        rows += Self.checkpoints.map {
            EmergenceResults.Row(
                checkpoint: $0.id, task: "full", metric: "acc", value: 0.25 + max(0, 3 - $0.loss) * 0.4,
                chance: 0.25, higherIsBetter: true, continuous: false, count: 100
            )
        }
        rows.append(
            .init(
                checkpoint: "missing", task: "full", metric: "acc", value: 1, chance: 0.25, higherIsBetter: true,
                continuous: false, count: 100
            )
        )
        let report = try EmergenceFitter(bootstrapResamples: 20).fit(
            EmergenceResults(corpus: "x", checkpoints: Self.checkpoints, rows: rows)
        )
        let tiny = try #require(report.tasks.first { $0.task == "tiny" })
        #expect(tiny.verdict == .tooFewPoints)
        #expect(tiny.verdict.rawValue == "too few points")
        let full = try #require(report.tasks.first { $0.task == "full" })
        #expect(full.verdict != .tooFewPoints)
        #expect(full.points.count == 6)
        #expect(EmergenceReportPage(report: report).html().contains("too few points"))
    }

    @Test("constant scores fit without a crash and are not emergent")
    func constantScores() throws {
        let rows = Self.checkpoints.map {
            EmergenceResults.Row(
                checkpoint: $0.id, task: "flat", metric: "acc", value: 0.25, chance: 0.25, higherIsBetter: true,
                continuous: false, count: 100
            )
        }
        let report = try EmergenceFitter(bootstrapResamples: 20).fit(
            EmergenceResults(corpus: "x", checkpoints: Self.checkpoints, rows: rows)
        )
        #expect(report.tasks.first?.verdict == .smooth)
        _ = try report.jsonData()
    }
}
