import Foundation

/// A run directory read back for reports and data export: its manifest, its finished episodes and its summary
/// recomputed with each environment's metric.
public struct LoadedEvalRun: Sendable {
    public var directory: EvalRunDirectory
    public var manifest: EvalRunManifest
    public var records: [EvalRecord]
    public var summary: EvalSummary
    /// What `eval collect` kept, when the run is a collection (`collection.json`).
    public var collection: CollectionReport?

    /// Reads the run at `url`; `environments` supply the metrics (episodes of environments not given are kept but
    /// not scored).
    public static func load(_ url: URL, environments: [any Environment], weights: OverallWeights = .agentBench)
        async throws -> LoadedEvalRun
    {
        let directory = try EvalRunDirectory(existing: url)
        let manifest = try directory.manifest()
        let records = await directory.allRecords()
        let summary = EvalSummary.make(manifest: manifest, records: records, environments: environments,
                                       weights: weights)
        let collectionFile = url.appendingPathComponent("collection.json")
        var collection: CollectionReport?
        if FileManager.default.fileExists(atPath: collectionFile.path) {
            do {
                collection = try JSONDecoder().decode(CollectionReport.self, from: Data(contentsOf: collectionFile))
            } catch {
                throw EnvironmentError("cannot read \(collectionFile.path): \(error)",
                                       recovery: "Run 'emergent eval collect' again with the same --out to rewrite it.")
            }
        }
        return LoadedEvalRun(directory: directory, manifest: manifest, records: records, summary: summary,
                             collection: collection)
    }
}
