import Foundation

/// The Chinchilla law `L(N, D) = E + A/N^α + B/D^β`, fitted when training tokens vary: α and β by a grid and
/// coordinate-wise golden refinement, with `E`, `A` and `B` solved linearly for each (α, β).
public struct ComputeScalingFit: Sendable, Hashable, Codable {
    /// `E`: the irreducible loss.
    public var irreducibleLoss: Double
    /// `A`: the size term's scale.
    public var sizeScale: Double
    /// `α`: the size exponent.
    public var sizeExponent: Double
    /// `B`: the data term's scale.
    public var dataScale: Double
    /// `β`: the data exponent.
    public var dataExponent: Double
    public var rss: Double
    public var points: Int

    enum CodingKeys: String, CodingKey {
        case irreducibleLoss = "e", sizeScale = "a", sizeExponent = "alpha", dataScale = "b", dataExponent = "beta"
        case rss, points
    }

    public init(
        irreducibleLoss: Double, sizeScale: Double, sizeExponent: Double, dataScale: Double, dataExponent: Double,
        rss: Double, points: Int
    ) {
        self.irreducibleLoss = irreducibleLoss
        self.sizeScale = sizeScale
        self.sizeExponent = sizeExponent
        self.dataScale = dataScale
        self.dataExponent = dataExponent
        self.rss = rss
        self.points = points
    }

    /// The law's loss for `parameters` trained on `tokens`.
    public func loss(parameters: Double, tokens: Double) -> Double {
        irreducibleLoss + sizeScale / pow(parameters, sizeExponent) + dataScale / pow(tokens, dataExponent)
    }

    /// Fits the law; needs at least 5 points with 2 distinct sizes and 2 distinct token counts.
    public static func fit(parameters: [Double], tokens: [Double], loss: [Double]) -> ComputeScalingFit? {
        guard parameters.count == tokens.count, tokens.count == loss.count, loss.count >= 5,
            Set(parameters).count >= 2, Set(tokens).count >= 2,
            parameters.allSatisfy({ $0 > 0 }), tokens.allSatisfy({ $0 > 0 })
        else { return nil }
        let ones = [Double](repeating: 1, count: loss.count)
        func solve(_ alpha: Double, _ beta: Double) -> (e: Double, a: Double, b: Double, rss: Double) {
            let x = parameters.map { pow($0, -alpha) }
            let y = tokens.map { pow($0, -beta) }
            guard let s = LeastSquares.linear(columns: [ones, x, y], y: loss),
                s.coefficients[1] >= 0, s.coefficients[2] >= 0
            else { return (0, 0, 0, .infinity) }
            return (s.coefficients[0], s.coefficients[1], s.coefficients[2], s.rss)
        }
        let grid = (0...30).map { 0.02 + Double($0) / 30 * 1.2 }
        var alpha = 0.3
        var beta = 0.3
        var bestRSS = Double.infinity
        for a in grid {
            for b in grid {
                let rss = solve(a, b).rss
                if rss < bestRSS {
                    bestRSS = rss
                    alpha = a
                    beta = b
                }
            }
        }
        guard bestRSS.isFinite else { return nil }
        var width = 0.05
        for _ in 0..<6 {
            alpha =
                LeastSquares.goldenMinimum(lower: max(alpha - width, 0.005), upper: alpha + width) {
                    solve($0, beta).rss
                }.x
            beta =
                LeastSquares.goldenMinimum(lower: max(beta - width, 0.005), upper: beta + width) {
                    solve(alpha, $0).rss
                }.x
            width /= 2
        }
        let s = solve(alpha, beta)
        guard s.rss.isFinite else { return nil }
        return ComputeScalingFit(
            irreducibleLoss: s.e, sizeScale: s.a, sizeExponent: alpha, dataScale: s.b, dataExponent: beta,
            rss: s.rss, points: loss.count
        )
    }
}
