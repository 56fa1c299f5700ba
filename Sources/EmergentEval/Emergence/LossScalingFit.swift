import Foundation

/// The size scaling law `L(N) = L∞ + (N₀/N)^α`, fitted by profiling α (golden section on a log grid) with
/// `L∞` and `N₀^α` solved linearly for each α.
public struct LossScalingFit: Sendable, Hashable, Codable {
    /// `L∞`: the loss an infinitely large model would reach.
    public var irreducibleLoss: Double
    /// `N₀`: the scale parameter, in parameters.
    public var scaleParameters: Double
    /// `α`: the exponent.
    public var exponent: Double
    public var rss: Double
    /// Points fitted (one per distinct size).
    public var points: Int

    enum CodingKeys: String, CodingKey {
        case irreducibleLoss = "irreducible_loss", scaleParameters = "n0", exponent = "alpha", rss, points
    }

    public init(irreducibleLoss: Double, scaleParameters: Double, exponent: Double, rss: Double, points: Int) {
        self.irreducibleLoss = irreducibleLoss
        self.scaleParameters = scaleParameters
        self.exponent = exponent
        self.rss = rss
        self.points = points
    }

    /// The law's loss at `parameters`.
    public func loss(parameters: Double) -> Double {
        irreducibleLoss + pow(scaleParameters / parameters, exponent)
    }

    /// The parameter count at which the law reaches `loss`: `N₀·(L − L∞)^(−1/α)`, or `nil` when `loss ≤ L∞`
    /// (not reachable by scaling N alone).
    public func parameters(reachingLoss loss: Double) -> Double? {
        guard loss > irreducibleLoss else { return nil }
        return scaleParameters * pow(loss - irreducibleLoss, -1 / exponent)
    }

    /// Fits the law to (N, L) pairs; needs 3 distinct sizes. When a size appears more than once, its lowest loss is
    /// used (the best that size reached), so the law describes the frontier.
    public static func fit(parameters: [Double], loss: [Double]) -> LossScalingFit? {
        var best: [Double: Double] = [:]
        for (n, l) in zip(parameters, loss) where n > 0 && l.isFinite { best[n] = min(best[n] ?? .infinity, l) }
        guard best.count >= 3 else { return nil }
        let sizes = best.keys.sorted()
        let losses = sizes.map { best[$0] ?? 0 }
        let ones = [Double](repeating: 1, count: sizes.count)
        func solve(_ alpha: Double) -> (lInf: Double, k: Double, rss: Double) {
            let x = sizes.map { pow($0, -alpha) }
            guard let s = LeastSquares.linear(columns: [ones, x], y: losses), s.coefficients[1] > 0 else {
                return (0, 0, .infinity)
            }
            return (s.coefficients[0], s.coefficients[1], s.rss)
        }
        var bestAlpha = 0.0
        var bestRSS = Double.infinity
        let grid = (0...60).map { exp(log(0.01) + Double($0) / 60 * (log(3.0) - log(0.01))) }
        for alpha in grid where solve(alpha).rss < bestRSS {
            bestRSS = solve(alpha).rss
            bestAlpha = alpha
        }
        guard bestRSS.isFinite else { return nil }
        let refined = LeastSquares.goldenMinimum(
            lower: log(bestAlpha) - 0.1, upper: log(bestAlpha) + 0.1, iterations: 40
        ) { solve(exp($0)).rss }
        let alpha = refined.value < bestRSS ? exp(refined.x) : bestAlpha
        let s = solve(alpha)
        return LossScalingFit(
            irreducibleLoss: s.lInf, scaleParameters: pow(s.k, 1 / alpha), exponent: alpha, rss: s.rss,
            points: sizes.count
        )
    }
}
