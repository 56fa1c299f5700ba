import Foundation

/// A run's folder on disk:
/// - `run.json`: the manifest;
/// - `results.jsonl`: one `EvalRecord` per finished episode, appended and flushed as each one ends, so an
///   interrupted run loses only the episodes that were in flight;
/// - `trajectories/ENV/TASK.ATTEMPT.json`: every episode's full trajectory;
/// - `summary.json`: scores, finish reasons and the overall score, rewritten at the end of each run.
public actor EvalRunDirectory {
    public nonisolated let url: URL
    private var records: [EpisodeKey: EvalRecord] = [:]
    private var handle: FileHandle?

    /// Opens (or creates) a run directory. A directory that already holds a run is resumed; it must have been made
    /// by the same agent in the same mode.
    public init(url: URL, manifest: EvalRunManifest) throws {
        self.url = url
        let files = FileManager.default
        do {
            try files.createDirectory(at: url.appendingPathComponent("trajectories"),
                                      withIntermediateDirectories: true)
        } catch {
            throw EnvironmentError("cannot create the run directory \(url.path): \(error.localizedDescription)",
                                   recovery: "Choose a writable --out folder.")
        }
        let manifestURL = url.appendingPathComponent("run.json")
        if files.fileExists(atPath: manifestURL.path) {
            let existing = try Self.readManifest(manifestURL)
            guard existing.agent == manifest.agent, existing.mode == manifest.mode else {
                throw EnvironmentError(
                    "\(url.path) holds a run of '\(existing.agent)' in \(existing.mode.rawValue) mode, not '\(manifest.agent)' in \(manifest.mode.rawValue) mode",
                    recovery: "Use a new --out folder for a different agent or mode, or delete the old one.")
            }
            var merged = existing
            for source in manifest.sources where !merged.sources.contains(where: { $0.environment == source.environment }) {
                merged.sources.append(source)
            }
            merged.repeats = max(existing.repeats, manifest.repeats)
            try Self.write(merged, to: manifestURL)
        } else {
            try Self.write(manifest, to: manifestURL)
        }
        records = try Self.readRecords(url.appendingPathComponent("results.jsonl"))
    }

    /// Opens an existing run directory for reading.
    public init(existing url: URL) throws {
        self.url = url
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent("run.json").path) else {
            throw EnvironmentError("\(url.path) is not a run directory (it has no run.json)",
                                   recovery: "Give the --out folder of an 'emergent eval run' or 'eval collect'.")
        }
        records = try Self.readRecords(url.appendingPathComponent("results.jsonl"))
    }

    /// The run's manifest.
    public nonisolated func manifest() throws -> EvalRunManifest {
        try Self.readManifest(url.appendingPathComponent("run.json"))
    }

    /// Episodes already finished, keyed for skipping on resume.
    public func finishedKeys() -> Set<EpisodeKey> { Set(records.keys) }

    /// Every finished episode, in a stable order (environment, task, attempt).
    public func allRecords() -> [EvalRecord] { records.values.sorted { $0.key < $1.key } }

    /// Saves an episode: its trajectory file first, then its line in `results.jsonl` (flushed to disk).
    @discardableResult
    public func save(_ trajectory: EvalTrajectory) throws -> EvalRecord {
        let folder = url.appendingPathComponent("trajectories").appendingPathComponent(trajectory.task.environment)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let name = "\(Self.safeFileName(trajectory.task.id)).\(trajectory.attempt).json"
        try trajectory.jsonData().write(to: folder.appendingPathComponent(name), options: .atomic)
        let record = EvalRecord(
            result: trajectory.result, trajectory: "trajectories/\(trajectory.task.environment)/\(name)",
            summary: trajectory.task.summary, turns: trajectory.turns.count, tokens: trajectory.conversationTokens,
            milliseconds: trajectory.milliseconds, error: trajectory.error)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = try encoder.encode(record)
        line.append(0x0A)
        try appendLine(line)
        records[record.key] = record
        return record
    }

    /// Writes `summary.json`.
    public func writeSummary(_ summary: EvalSummary) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(summary).write(to: url.appendingPathComponent("summary.json"), options: .atomic)
    }

    /// Loads the trajectory of a record.
    public nonisolated func trajectory(of record: EvalRecord) throws -> EvalTrajectory {
        try EvalTrajectory.load(url.appendingPathComponent(record.trajectory))
    }

    private func appendLine(_ line: Data) throws {
        if handle == nil {
            let file = url.appendingPathComponent("results.jsonl")
            if !FileManager.default.fileExists(atPath: file.path) {
                _ = FileManager.default.createFile(atPath: file.path, contents: nil)
            }
            handle = try FileHandle(forWritingTo: file)
            try handle?.seekToEnd()
        }
        try handle?.write(contentsOf: line)
        try handle?.synchronize()
    }

    static func safeFileName(_ id: String) -> String {
        String(id.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
    }

    private static func readManifest(_ url: URL) throws -> EvalRunManifest {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(EvalRunManifest.self, from: Data(contentsOf: url))
        } catch {
            throw EnvironmentError("cannot read \(url.path): \(error)",
                                   recovery: "The run's manifest is damaged; start the run in a new --out folder.")
        }
    }

    private static func write(_ manifest: EvalRunManifest, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(manifest).write(to: url, options: .atomic)
    }

    /// Reads `results.jsonl`. A last line cut short by a crash is dropped (the file is truncated to the last whole
    /// line, so that episode is simply run again); a damaged line elsewhere is an error naming it.
    private static func readRecords(_ url: URL) throws -> [EpisodeKey: EvalRecord] {
        guard let data = FileManager.default.contents(atPath: url.path), !data.isEmpty else { return [:] }
        var records: [EpisodeKey: EvalRecord] = [:]
        let decoder = JSONDecoder()
        let lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        var validLength = 0
        for (index, line) in lines.enumerated() {
            let isLast = index == lines.count - 1
            if line.isEmpty {
                if !isLast { validLength += 1 }
                continue
            }
            do {
                let record = try decoder.decode(EvalRecord.self, from: Data(line))
                records[record.key] = record
                validLength += line.count + (isLast ? 0 : 1)
            } catch {
                let unterminated = isLast && data.last != 0x0A
                guard unterminated else {
                    throw EnvironmentError("\(url.path):\(index + 1): damaged result line (\(error))",
                                           recovery: "Delete that line; the episode will run again on the next run.")
                }
                let handle = try FileHandle(forWritingTo: url)
                try handle.truncate(atOffset: UInt64(validLength))
                try handle.close()
                return records
            }
        }
        if data.last != 0x0A {
            // A whole last record whose newline was lost: end the line so the next append starts a new one.
            let handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
            try handle.write(contentsOf: Data([0x0A]))
            try handle.close()
        }
        return records
    }
}
