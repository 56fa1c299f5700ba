import Foundation

/// Reads the kept trajectories of collection runs and writes them as training examples, in a stable order
/// (run, environment, task, attempt) so the same runs give the same file.
public struct TrajectoryExport: Sendable {
    public var format: TuningFormat
    public var rule: KeepRule

    public init(format: TuningFormat, rule: KeepRule = KeepRule()) {
        self.format = format
        self.rule = rule
    }

    /// The examples of every kept episode in `runs`, and how many episodes were read in all.
    public func lines(from runs: [URL]) async throws -> (lines: [String], episodes: Int) {
        let exporter = TuningExporter(format: format)
        var lines: [String] = []
        var episodes = 0
        for url in runs {
            let directory = try EvalRunDirectory(existing: url)
            let records = await directory.allRecords()
            episodes += records.count
            for record in records where rule.keeps(record.result) {
                lines.append(exporter.line(for: try directory.trajectory(of: record)))
            }
        }
        return (lines, episodes)
    }
}
