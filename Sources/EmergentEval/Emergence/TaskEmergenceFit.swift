import Foundation

/// The verdict and evidence for one (task, metric): both fits, the criterion, η with its bootstrap interval, the
/// size-term test and η converted to a parameter count.
public struct TaskEmergenceFit: Sendable, Hashable, Codable {
    /// What the fit concluded.
    public enum Verdict: String, Sendable, Hashable, Codable {
        case emergent
        case smooth = "not emergent"
        case tooFewPoints = "too few points"
    }

    /// One checkpoint's score, joined with its checkpoint.
    public struct Point: Sendable, Hashable, Codable {
        public var checkpoint: String
        public var loss: Double
        public var parameters: Double
        public var trainingTokens: Double?
        public var value: Double
    }

    /// A closed interval (a bootstrap percentile interval).
    public struct Interval: Sendable, Hashable, Codable {
        public var lower: Double
        public var upper: Double

        public func contains(_ value: Double) -> Bool { lower <= value && value <= upper }
        public func overlaps(_ other: Interval) -> Bool { lower <= other.upper && other.lower <= upper }
    }

    /// A fit's information criteria under Gaussian errors: `AIC = n·ln(RSS/n) + 2k`, `BIC = n·ln(RSS/n) + k·ln n`,
    /// with `k` the fitted parameters plus one for the error variance.
    public struct Criteria: Sendable, Hashable, Codable {
        public var aic: Double
        public var bic: Double

        public init(rss: Double, points: Int, parameters: Int) {
            let n = Double(points)
            let k = Double(parameters + 1)
            let logLikelihoodTerm = n * log(max(rss, 1e-12 * n) / n)
            aic = logLikelihoodTerm + 2 * k
            bic = logLikelihoodTerm + k * log(n)
        }
    }

    /// The test of "at equal loss, models of different sizes perform the same": the chosen model refitted with a
    /// `c·(ln N − mean ln N)` term.
    public struct SizeEffect: Sendable, Hashable, Codable {
        /// `smooth` or `emergent`: the model the term was added to.
        public var model: String
        /// `c`: gain per e-fold of parameters at equal loss, in the metric's units (sign: higher is better).
        public var coefficient: Double
        public var interval: Interval?
        public var rssWithout: Double
        public var rssWith: Double
        /// BIC without the term minus BIC with it; positive favours a size effect.
        public var deltaBIC: Double
        /// Whether the interval excludes 0 and `deltaBIC > 2`.
        public var detected: Bool
    }

    /// η converted to the parameter count the size law needs to reach it.
    public struct ParameterThreshold: Sendable, Hashable, Codable {
        /// `false` when η ≤ L∞: no model size reaches the threshold by scaling N alone.
        public var reachable: Bool
        public var parameters: Double?
        /// From η's interval: the upper η gives the lower count; `nil` upper when the lower η is not reachable.
        public var lower: Double?
        public var upper: Double?
    }

    public var task: String
    public var metric: String
    public var higherIsBetter: Bool
    public var continuous: Bool
    public var chance: Double
    public var points: [Point]
    public var verdict: Verdict
    /// Why the verdict was reached, in words.
    public var reason: String
    public var smooth: SmoothLossFit?
    public var emergent: ThresholdLossFit?
    public var smoothCriteria: Criteria?
    public var emergentCriteria: Criteria?
    /// BIC(smooth) − BIC(emergent): positive favours the threshold.
    public var deltaBIC: Double?
    /// AIC(smooth) − AIC(emergent).
    public var deltaAIC: Double?
    /// η's bootstrap percentile interval.
    public var thresholdInterval: Interval?
    /// Resamples that gave a fit (of those drawn).
    public var bootstrapFits: Int
    public var pointsAbove: Int
    public var pointsBelow: Int
    /// Mean gain over chance of the points above η, and the bound `2·σ̂/√k` it must be within to count as chance.
    public var meanGainAbove: Double?
    public var chanceTolerance: Double?
    public var sizeEffect: SizeEffect?
    public var parameterThreshold: ParameterThreshold?

    /// The metric's value predicted by a gain (undoing the orientation and the chance offset).
    public func value(gain: Double) -> Double { chance + (higherIsBetter ? gain : -gain) }
}
