import Foundation

/// The smooth model of performance against loss: a logistic that rises from chance as the loss falls, with no
/// threshold. In gain units (performance minus chance, oriented so that higher is better):
/// `g(L) = u / (1 + exp(−k·(m − L))) + c·z`, where `z` is the centred log parameter count when the size term is
/// fitted and `c = 0` otherwise.
public struct SmoothLossFit: Sendable, Hashable, Codable {
    /// `u`: the gain at full rise (the upper level minus chance).
    public var upper: Double
    /// `k > 0`: how steeply the gain rises per nat of loss.
    public var slope: Double
    /// `m`: the loss at half rise.
    public var midpoint: Double
    /// `c`: the gain per unit of centred ln N (0 when the size term is not fitted).
    public var sizeCoefficient: Double
    /// Residual sum of squares, in gain units.
    public var rss: Double
    /// Fitted parameters (3, or 4 with the size term), for the information criteria.
    public var parameterCount: Int

    /// The model's gain at a loss (and centred ln N).
    public func gain(loss: Double, size: Double = 0) -> Double {
        upper / (1 + exp(-slope * (midpoint - loss))) + sizeCoefficient * size
    }

    /// Least-squares fit: a grid over (m, k) with the linear parameters in closed form, then Levenberg–Marquardt
    /// from the best cell. Returns `nil` when there are fewer than 4 points.
    public static func fit(loss: [Double], gain: [Double], size: [Double]? = nil) -> SmoothLossFit? {
        guard loss.count >= 4, loss.count == gain.count else { return nil }
        guard let lowest = loss.min(), let highest = loss.max() else { return nil }
        let range = max(highest - lowest, 1e-6)
        let withSize = size != nil
        let z = size ?? []
        var best: (u: Double, k: Double, m: Double, c: Double, rss: Double)?
        for mStep in 0...12 {
            let m = lowest - 0.5 * range + Double(mStep) / 12 * 2 * range
            for kScale in [0.5, 1.5, 4, 10, 30] {
                let k = kScale / range
                let shape = loss.map { 1 / (1 + exp(-k * (m - $0))) }
                let columns = withSize ? [shape, z] : [shape]
                guard let solution = LeastSquares.linear(columns: columns, y: gain) else { continue }
                if solution.rss < best?.rss ?? .infinity {
                    let c = withSize ? solution.coefficients[1] : 0
                    best = (solution.coefficients[0], k, m, c, solution.rss)
                }
            }
        }
        guard let start = best else { return nil }
        let minLogK = log(0.01 / range)
        let maxLogK = log(1000 / range)
        func model(_ p: [Double]) -> (Int) -> Double {
            let k = exp(min(max(p[1], minLogK), maxLogK))
            return { i in p[0] / (1 + exp(-k * (p[2] - loss[i]))) + (withSize ? p[3] * z[i] : 0) }
        }
        var initial = [start.u, log(start.k), start.m]
        if withSize { initial.append(start.c) }
        let refined = LeastSquares.levenbergMarquardt(initial: initial) { p in
            let f = model(p)
            return gain.indices.map { gain[$0] - f($0) }
        }
        let useRefined = refined.rss <= start.rss
        let p = refined.parameters
        return SmoothLossFit(
            upper: useRefined ? p[0] : start.u,
            slope: useRefined ? exp(min(max(p[1], minLogK), maxLogK)) : start.k,
            midpoint: useRefined ? p[2] : start.m,
            sizeCoefficient: withSize ? (useRefined ? p[3] : start.c) : 0,
            rss: min(refined.rss, start.rss),
            parameterCount: withSize ? 4 : 3
        )
    }
}
