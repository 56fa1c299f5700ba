/// How one batching method fares on a data set: batches, padding, and tokens processed against naive batching.
public struct PlanSummary: Sendable, Codable, Hashable {
    public var method: PackingMethod
    public var batches: Int
    public var sequences: Int
    /// Tokens of the sequences themselves.
    public var realTokens: Int
    /// Tokens the model processes, padding included.
    public var processedTokens: Int
    /// The share of processed tokens that are padding.
    public var paddingFraction: Double
    /// Tokens naive batching processes divided by tokens this method processes: the estimated speed-up.
    public var speedupOverNaive: Double

    public init(plan: BatchPlan, naiveProcessedTokens: Int) {
        method = plan.method
        batches = plan.batches.count
        sequences = plan.lengths.count
        realTokens = plan.realTokens
        processedTokens = plan.processedTokens
        paddingFraction = plan.paddingFraction
        speedupOverNaive = processedTokens == 0 ? 1 : Double(naiveProcessedTokens) / Double(processedTokens)
    }

    /// Every method planned on `lengths` with `planner`, naive first.
    public static func compare(lengths: [Int], planner: BatchPlanner) -> [PlanSummary] {
        let naive = planner.plan(.naive, lengths: lengths).processedTokens
        return PackingMethod.allCases.map {
            PlanSummary(plan: planner.plan($0, lengths: lengths), naiveProcessedTokens: naive)
        }
    }
}
