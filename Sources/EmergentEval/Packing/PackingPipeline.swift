import Foundation

/// `emergent pack` end to end: tokenize conversations, cut over-long ones, plan batches, write them, report.
///
/// Sequences longer than `maxTokens` are truncated to their first `maxTokens` tokens (for every method, so the
/// plans compare like with like); one left without target tokens is skipped.
public struct PackingPipeline: Sendable {
    public var method: PackingMethod
    public var planner: BatchPlanner
    /// The tokenizer's name, written into the index.
    public var tokenizerName: String

    public init(method: PackingMethod, planner: BatchPlanner, tokenizerName: String) throws(PackingError) {
        guard planner.maxTokens >= 1 else {
            throw .invalidOption(name: "--max-tokens", value: "\(planner.maxTokens)", expected: "at least 1")
        }
        guard planner.batchSize >= 1 else {
            throw .invalidOption(name: "--batch-size", value: "\(planner.batchSize)", expected: "at least 1")
        }
        self.method = method
        self.planner = planner
        self.tokenizerName = tokenizerName
    }

    /// Sequences cut to `maxTokens`, with how many were cut and how many lost all their targets.
    public func fitting(_ sequences: [TokenizedSequence]) -> (
        sequences: [TokenizedSequence], truncated: Int, emptied: Int
    ) {
        var kept: [TokenizedSequence] = []
        kept.reserveCapacity(sequences.count)
        var truncated = 0
        var emptied = 0
        for sequence in sequences {
            guard sequence.count > planner.maxTokens else {
                kept.append(sequence)
                continue
            }
            truncated += 1
            let cut = sequence.truncated(to: planner.maxTokens)
            if cut.targetCount == 0 { emptied += 1 } else { kept.append(cut) }
        }
        return (kept, truncated, emptied)
    }

    /// Tokenizes, plans and writes `conversations` into `directory`.
    /// - Parameters:
    ///   - input: the input's name, for the report.
    ///   - readSeconds: time already spent reading the input, for the report.
    ///   - progress: tokenizing progress, (conversations done, total).
    public func run(
        conversations: [TrainingConversation], input: String, readSeconds: Double = 0,
        encoder: ConversationEncoder, directory: URL, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> PackingReport {
        guard !conversations.isEmpty else { throw PackingError.emptyInput(path: input) }
        let clock = ContinuousClock()
        let tokenizeStart = clock.now
        let encoded = try await encoder.encodeAll(conversations, progress: progress)
        let tokenizeSeconds = (clock.now - tokenizeStart).packingSeconds
        let (sequences, truncated, emptied) = fitting(encoded.sequences)
        let skippedWithoutTargets = encoded.skippedWithoutTargets + emptied
        guard !sequences.isEmpty else {
            throw PackingError.noTrainableConversations(skipped: conversations.count)
        }
        let lengths = sequences.map(\.count)
        let plans = PlanSummary.compare(lengths: lengths, planner: planner)
        let plan = planner.plan(method, lengths: lengths)
        let writeStart = clock.now
        let index = try PackedDatasetWriter(directory: directory).write(
            plan: plan, sequences: sequences, padToken: encoder.tokenizer.padToken
        ) { totals in
            var totals = totals
            totals.skippedWithoutTargets = skippedWithoutTargets
            totals.skippedUnsplittable = encoded.skippedUnsplittable
            totals.truncated = truncated
            return PackingIndex(
                method: method, maxTokens: planner.maxTokens, batchSize: planner.batchSize, seed: planner.seed,
                tokenizer: tokenizerName, padTokenId: encoder.tokenizer.padToken, totals: totals, shards: [])
        }
        let writeSeconds = (clock.now - writeStart).packingSeconds
        return PackingReport(
            input: input, output: directory.path, method: method, maxTokens: planner.maxTokens,
            batchSize: planner.batchSize, seed: planner.seed, conversations: conversations.count,
            sequences: sequences.count, tokens: index.totals.tokens, targetTokens: index.totals.targetTokens,
            skippedWithoutTargets: skippedWithoutTargets, skippedUnsplittable: encoded.skippedUnsplittable,
            truncated: truncated, readSeconds: readSeconds, tokenizeSeconds: tokenizeSeconds,
            writeSeconds: writeSeconds, totalSeconds: readSeconds + (clock.now - tokenizeStart).packingSeconds,
            plans: plans)
    }
}

extension Duration {
    /// The duration in seconds, as a `Double` for reports.
    var packingSeconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
