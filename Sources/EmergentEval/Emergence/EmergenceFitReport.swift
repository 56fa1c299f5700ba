import Foundation

/// Everything `emergent emergence fit` computed: the scaling laws, each (task, metric)'s verdict and evidence, and
/// the metric-mirage comparison. Written as `fit.json` (snake_case keys) and rendered by `EmergenceReportPage`.
public struct EmergenceFitReport: Sendable, Hashable, Codable {
    public var version: String
    public var corpus: String
    public var bootstrapResamples: Int
    public var seed: UInt64
    public var confidence: Double
    /// The decision rule, in words.
    public var criterion: String = EmergenceFitReport.criterionText
    public var checkpoints: [EmergenceResults.Checkpoint]
    /// `L(N) = L∞ + (N₀/N)^α`, when there are 3 distinct sizes.
    public var sizeLaw: LossScalingFit?
    /// `L(N, D) = E + A/N^α + B/D^β`, when every checkpoint has training tokens and both vary.
    public var computeLaw: ComputeScalingFit?
    public var tasks: [TaskEmergenceFit]
    public var mirage: [MirageCheck]

    public static let criterionText = """
        Emergent when BIC(smooth) − BIC(emergent) > 2 (Gaussian errors; BIC = n·ln(RSS/n) + k·ln n, k = 3 + 1 \
        for each model), the rise below η is positive, η has at least 3 points above and 3 below it, and the mean \
        gain of the points above η is within 2·σ̂/√k of chance.
        """

    /// `fit.json`: pretty, sorted, snake_case keys.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan"
        )
        return try encoder.encode(self)
    }
}
