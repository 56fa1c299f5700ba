import Foundation

/// The metric-mirage check (Schaeffer et al.): a task's discontinuous metric (accuracy, exact match) beside a
/// continuous one (choice probability, Brier, edit similarity), and whether the threshold persists under the
/// continuous metric — emergent under both with overlapping η intervals.
public struct MirageCheck: Sendable, Hashable, Codable {
    public var task: String
    public var discontinuousMetric: String
    public var continuousMetric: String
    public var discontinuousEmergent: Bool
    public var continuousEmergent: Bool
    public var discontinuousThreshold: Double?
    public var continuousThreshold: Double?
    public var intervalsOverlap: Bool
    /// Emergent under both metrics, with overlapping η intervals.
    public var persists: Bool
    public var summary: String

    /// Pairs each task's discontinuous metrics with its continuous ones.
    public static func compare(_ fits: [TaskEmergenceFit]) -> [MirageCheck] {
        var checks: [MirageCheck] = []
        let tasks = fits.map(\.task).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        for task in tasks {
            let ofTask = fits.filter { $0.task == task && $0.verdict != .tooFewPoints }
            for discrete in ofTask where !discrete.continuous {
                for smooth in ofTask where smooth.continuous {
                    let a = discrete.verdict == .emergent
                    let b = smooth.verdict == .emergent
                    let overlap =
                        discrete.thresholdInterval.flatMap { x in smooth.thresholdInterval.map { x.overlaps($0) } }
                        ?? false
                    let persists = a && b && overlap
                    let summary: String
                    switch (a, b) {
                    case (true, true) where overlap: summary = "threshold persists under \(smooth.metric)"
                    case (true, true): summary = "emergent under both, but at different η (intervals do not overlap)"
                    case (true, false): summary = "threshold vanishes under \(smooth.metric): a metric mirage"
                    case (false, true): summary = "emergent only under the continuous metric"
                    case (false, false): summary = "emergent under neither metric"
                    }
                    checks.append(
                        MirageCheck(
                            task: task, discontinuousMetric: discrete.metric, continuousMetric: smooth.metric,
                            discontinuousEmergent: a, continuousEmergent: b,
                            discontinuousThreshold: discrete.emergent?.threshold,
                            continuousThreshold: smooth.emergent?.threshold, intervalsOverlap: overlap,
                            persists: persists, summary: summary
                        )
                    )
                }
            }
        }
        return checks
    }
}
