import Foundation

/// The emergent model of performance against loss: chance above a threshold loss η, rising as a power of the
/// distance below it. In gain units: `g(L) = a·max(η − L, 0)^b + c·z`, with `z` the centred log parameter count
/// when the size term is fitted and `c = 0` otherwise.
public struct ThresholdLossFit: Sendable, Hashable, Codable {
    /// η: the loss below which performance leaves chance.
    public var threshold: Double
    /// `a`: the gain one nat below η.
    public var scale: Double
    /// `b`: the shape of the rise (1 is linear).
    public var exponent: Double
    /// `c`: the gain per unit of centred ln N (0 when the size term is not fitted).
    public var sizeCoefficient: Double
    /// Residual sum of squares, in gain units.
    public var rss: Double
    /// Fitted parameters (η, a, b, and c with the size term), for the information criteria.
    public var parameterCount: Int

    /// The smallest and largest exponent the fit considers.
    public static let exponentRange: ClosedRange<Double> = 0.4...3

    /// The model's gain at a loss (and centred ln N).
    public func gain(loss: Double, size: Double = 0) -> Double {
        let distance = threshold - loss
        return (distance > 0 ? scale * pow(distance, exponent) : 0) + sizeCoefficient * size
    }

    /// Profile least squares: for each η on a grid spanning the observed losses, the exponent is found by golden
    /// section and `a` (and `c`) in closed form; the best grid cell is then refined by golden section on η.
    /// Returns `nil` when there are fewer than 4 points.
    public static func fit(
        loss: [Double], gain: [Double], size: [Double]? = nil, gridPoints: Int = 25
    ) -> ThresholdLossFit? {
        guard loss.count >= 4, loss.count == gain.count else { return nil }
        guard let lowest = loss.min(), let highest = loss.max(), highest > lowest else { return nil }
        let withSize = size != nil
        let z = size ?? []
        let logBRange = log(exponentRange.lowerBound)...log(exponentRange.upperBound)

        // The profile is evaluated thousands of times per bootstrap, so it works on preallocated buffers: for a
        // given η the log distances below η are computed once, and each exponent costs one `exp` per point.
        var logDistance = [Double](repeating: 0, count: loss.count)
        var below = [Bool](repeating: false, count: loss.count)
        var shape = [Double](repeating: 0, count: loss.count)
        func prepare(threshold: Double) {
            for i in loss.indices {
                below[i] = loss[i] < threshold
                logDistance[i] = below[i] ? log(threshold - loss[i]) : 0
            }
        }
        func linearPart(exponent: Double) -> (a: Double, c: Double, rss: Double) {
            for i in loss.indices { shape[i] = below[i] ? exp(exponent * logDistance[i]) : 0 }
            if withSize {
                guard let s = LeastSquares.linear(columns: [shape, z], y: gain) else { return (0, 0, .infinity) }
                return (s.coefficients[0], s.coefficients[1], s.rss)
            }
            var sxy = 0.0
            var sxx = 0.0
            var syy = 0.0
            for i in gain.indices {
                sxy += shape[i] * gain[i]
                sxx += shape[i] * shape[i]
                syy += gain[i] * gain[i]
            }
            guard sxx > 0 else { return (0, 0, syy) }
            let a = sxy / sxx
            return (a, 0, max(syy - a * sxy, 0))
        }
        func profile(threshold: Double) -> (b: Double, rss: Double) {
            prepare(threshold: threshold)
            let best = LeastSquares.goldenMinimum(
                lower: logBRange.lowerBound, upper: logBRange.upperBound, iterations: 12
            ) { linearPart(exponent: exp($0)).rss }
            return (exp(best.x), best.value)
        }

        let step = (highest - lowest) / Double(max(gridPoints - 1, 1))
        var bestIndex = 0
        var bestRSS = Double.infinity
        for index in 0..<gridPoints {
            let rss = profile(threshold: lowest + Double(index) * step).rss
            if rss < bestRSS {
                bestRSS = rss
                bestIndex = index
            }
        }
        let low = lowest + Double(max(bestIndex - 1, 0)) * step
        let high = lowest + Double(min(bestIndex + 1, gridPoints - 1)) * step
        let refined = LeastSquares.goldenMinimum(lower: low, upper: high, iterations: 12) { profile(threshold: $0).rss }
        let threshold = refined.value <= bestRSS ? refined.x : lowest + Double(bestIndex) * step
        let exponent = profile(threshold: threshold).b
        let linear = linearPart(exponent: exponent)
        return ThresholdLossFit(
            threshold: threshold, scale: linear.a, exponent: exponent, sizeCoefficient: linear.c, rss: linear.rss,
            parameterCount: withSize ? 4 : 3
        )
    }
}
