import Foundation

/// Writes a plan's batches as `.npy` files plus `index.json` into a directory.
public struct PackedDatasetWriter: Sendable {
    /// The arrays of each batch, in the order they are written.
    public static let arrayNames = ["input_ids", "labels", "position_ids", "cu_seqlens", "loss_weights"]

    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    /// Writes every batch of `plan` and the index describing them; returns the index.
    public func write(
        plan: BatchPlan, sequences: [TokenizedSequence], padToken: Int32, describe: (Totals) -> PackingIndex
    ) throws(PackingError) -> PackingIndex {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .io(path: directory.path, problem: "the directory cannot be created (\(error.localizedDescription))")
        }
        let weights = LossWeighting.weights(targetCounts: sequences.map(\.targetCount), batchCount: plan.batches.count)
        var shards: [PackingIndex.Shard] = []
        shards.reserveCapacity(plan.batches.count)
        for batch in plan.batches.indices {
            let arrays = TrainingBatch(
                batch: batch, plan: plan, sequences: sequences, weights: weights, padToken: padToken)
            let matrix = [arrays.rows, arrays.columns]
            let contents: [(String, Data, [Int])] = [
                ("input_ids", NPYWriter.data(arrays.inputIDs, shape: matrix), matrix),
                ("labels", NPYWriter.data(arrays.labels, shape: matrix), matrix),
                ("position_ids", NPYWriter.data(arrays.positionIDs, shape: matrix), matrix),
                (
                    "cu_seqlens", NPYWriter.data(arrays.cuSeqlens, shape: [arrays.cuSeqlens.count]),
                    [arrays.cuSeqlens.count]
                ),
                ("loss_weights", NPYWriter.data(arrays.lossWeights, shape: matrix), matrix),
            ]
            var files: [String: String] = [:]
            var shapes: [String: [Int]] = [:]
            for (name, data, shape) in contents {
                let file = String(format: "batch_%06d_%@.npy", batch, name)
                try write(data, to: file)
                files[name] = file
                shapes[name] = shape
            }
            let members = plan.batches[batch]
            shards.append(
                PackingIndex.Shard(
                    batch: batch, sequences: members.count,
                    tokens: members.reduce(0) { $0 + sequences[$1].count },
                    targetTokens: members.reduce(0) { $0 + sequences[$1].targetCount },
                    files: files, shapes: shapes))
        }
        var index = describe(
            Totals(
                sequences: sequences.count, batches: plan.batches.count, tokens: plan.realTokens,
                targetTokens: shards.reduce(0) { $0 + $1.targetTokens }, processedTokens: plan.processedTokens,
                paddingFraction: plan.paddingFraction, skippedWithoutTargets: 0, skippedUnsplittable: 0, truncated: 0))
        index.shards = shards
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try write(try encoder.encode(index), to: "index.json")
        } catch let error as PackingError {
            throw error
        } catch {
            throw .io(path: "index.json", problem: "the index cannot be encoded (\(error))")
        }
        return index
    }

    public typealias Totals = PackingIndex.Totals

    private func write(_ data: Data, to name: String) throws(PackingError) {
        let url = directory.appendingPathComponent(name)
        do {
            try data.write(to: url)
        } catch {
            throw .io(path: url.path, problem: "it cannot be written (\(error.localizedDescription))")
        }
    }
}
