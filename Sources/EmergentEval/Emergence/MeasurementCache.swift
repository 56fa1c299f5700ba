import Foundation

/// Finished measurements kept as JSON files in a folder, so a re-run skips every (checkpoint, task) pair already
/// measured. A key combines the checkpoint file's path, size and modification time with a hash of the task (or
/// corpus) and the settings, so a changed model, task file or setting is measured again.
public actor MeasurementCache {
    /// The folder of cache files (created on first write).
    public nonisolated let directory: URL

    public init(directory: URL) { self.directory = directory }

    /// The cache key of one measurement of `checkpoint`; `inputs` are the hashes and settings it depends on.
    public nonisolated func key(checkpoint: EmergenceCheckpoint, part: String, inputs: [String]) -> String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: checkpoint.path)
        let size = (attributes?[.size] as? NSNumber)?.int64Value ?? -1
        let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1
        let fingerprint = ContentHash.of([checkpoint.path, String(size), String(modified)] + inputs)
        let safe = { (text: String) in String(text.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }) }
        return "\(safe(checkpoint.id))--\(safe(part))--\(fingerprint)"
    }

    /// The stored value for `key`, or nil.
    public func read<Value: Decodable>(_ type: Value.Type, key: String) -> Value? {
        guard let data = try? Data(contentsOf: file(key)) else { return nil }
        return try? JSONDecoder().decode(type, from: data)
    }

    /// Stores `value` under `key`.
    public func write(_ value: some Encodable, key: String) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try JSONEncoder().encode(value).write(to: file(key), options: .atomic)
    }

    private func file(_ key: String) -> URL { directory.appendingPathComponent(key + ".json") }
}
