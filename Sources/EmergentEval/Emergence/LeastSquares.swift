import Foundation

/// The numerical routines the emergence fits share: small dense linear solves, Levenberg–Marquardt, and a golden
/// section search. Written here because the package takes no numeric dependency.
public enum LeastSquares {
    /// Solves `a · x = b` by Gaussian elimination with partial pivoting; `nil` when `a` is singular.
    public static func solve(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        let n = b.count
        guard a.count == n, a.allSatisfy({ $0.count == n }) else { return nil }
        var m = a
        var v = b
        for column in 0..<n {
            var pivot = column
            for row in column..<n where abs(m[row][column]) > abs(m[pivot][column]) { pivot = row }
            let scale = m.map { abs($0[column]) }.max() ?? 0
            guard abs(m[pivot][column]) > 1e-13 * max(scale, 1e-300) else { return nil }
            if pivot != column {
                m.swapAt(pivot, column)
                v.swapAt(pivot, column)
            }
            for row in (column + 1)..<n {
                let factor = m[row][column] / m[column][column]
                guard factor != 0 else { continue }
                for k in column..<n { m[row][k] -= factor * m[column][k] }
                v[row] -= factor * v[column]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = v[row]
            for k in (row + 1)..<n { sum -= m[row][k] * x[k] }
            x[row] = sum / m[row][row]
        }
        return x.allSatisfy(\.isFinite) ? x : nil
    }

    /// Ordinary least squares of `y` on the given columns (no intercept unless a column of ones is passed).
    /// Returns the coefficients and the residual sum of squares, or `nil` when the columns are collinear.
    public static func linear(columns: [[Double]], y: [Double]) -> (coefficients: [Double], rss: Double)? {
        let p = columns.count
        var normal = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
        var rhs = [Double](repeating: 0, count: p)
        for i in 0..<p {
            for j in i..<p {
                var sum = 0.0
                for k in y.indices { sum += columns[i][k] * columns[j][k] }
                normal[i][j] = sum
                normal[j][i] = sum
            }
            var sum = 0.0
            for k in y.indices { sum += columns[i][k] * y[k] }
            rhs[i] = sum
        }
        guard let coefficients = solve(normal, rhs) else { return nil }
        var rss = 0.0
        for k in y.indices {
            var fitted = 0.0
            for i in 0..<p { fitted += coefficients[i] * columns[i][k] }
            rss += (y[k] - fitted) * (y[k] - fitted)
        }
        return (coefficients, rss)
    }

    /// Minimises the sum of squared residuals from `initial` by Levenberg–Marquardt with a forward-difference
    /// Jacobian. `residuals` must return the same number of values for every parameter vector.
    public static func levenbergMarquardt(
        initial: [Double], maxIterations: Int = 200, residuals: ([Double]) -> [Double]
    ) -> (parameters: [Double], rss: Double) {
        func sumOfSquares(_ r: [Double]) -> Double {
            let s = r.reduce(0) { $0 + $1 * $1 }
            return s.isFinite ? s : .infinity
        }
        var parameters = initial
        var r = residuals(parameters)
        var rss = sumOfSquares(r)
        var lambda = 1e-3
        let p = parameters.count
        for _ in 0..<maxIterations {
            var jacobian = [[Double]](repeating: [], count: p)
            for j in 0..<p {
                var shifted = parameters
                let h = 1e-7 * max(abs(parameters[j]), 1e-3)
                shifted[j] += h
                let rj = residuals(shifted)
                jacobian[j] = zip(rj, r).map { ($0 - $1) / h }
            }
            var jtj = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
            var jtr = [Double](repeating: 0, count: p)
            for i in 0..<p {
                for k in 0..<p { jtj[i][k] = zip(jacobian[i], jacobian[k]).reduce(0) { $0 + $1.0 * $1.1 } }
                jtr[i] = zip(jacobian[i], r).reduce(0) { $0 + $1.0 * $1.1 }
            }
            var improved = false
            while lambda < 1e12 {
                var damped = jtj
                for i in 0..<p { damped[i][i] += lambda * max(jtj[i][i], 1e-12) }
                guard let step = solve(damped, jtr.map { -$0 }) else {
                    lambda *= 10
                    continue
                }
                let candidate = zip(parameters, step).map { $0 + $1 }
                let candidateResiduals = residuals(candidate)
                let candidateRSS = sumOfSquares(candidateResiduals)
                if candidateRSS < rss {
                    let gain = rss - candidateRSS
                    parameters = candidate
                    r = candidateResiduals
                    rss = candidateRSS
                    lambda = max(lambda / 10, 1e-12)
                    improved = gain > 1e-15 * max(rss, 1e-300)
                    break
                }
                lambda *= 10
            }
            if !improved { break }
        }
        return (parameters, rss)
    }

    /// The minimum of a unimodal function on `[lower, upper]` by golden section search.
    public static func goldenMinimum(
        lower: Double, upper: Double, iterations: Int = 30, _ f: (Double) -> Double
    ) -> (x: Double, value: Double) {
        let ratio = (5.0.squareRoot() - 1) / 2
        var a = lower
        var b = upper
        var c = b - ratio * (b - a)
        var d = a + ratio * (b - a)
        var fc = f(c)
        var fd = f(d)
        for _ in 0..<iterations {
            if fc < fd {
                b = d
                d = c
                fd = fc
                c = b - ratio * (b - a)
                fc = f(c)
            } else {
                a = c
                c = d
                fc = fd
                d = a + ratio * (b - a)
                fd = f(d)
            }
        }
        return fc < fd ? (c, fc) : (d, fd)
    }

    /// The `q` quantile (0…1) of `values` by linear interpolation; `nil` when empty.
    public static func quantile(_ values: [Double], _ q: Double) -> Double? {
        let sorted = values.filter(\.isFinite).sorted()
        guard let first = sorted.first else { return nil }
        guard sorted.count > 1 else { return first }
        let position = min(max(q, 0), 1) * Double(sorted.count - 1)
        let low = Int(position.rounded(.down))
        let high = min(low + 1, sorted.count - 1)
        let fraction = position - Double(low)
        return sorted[low] * (1 - fraction) + sorted[high] * fraction
    }
}

extension LeastSquares {
    /// The standard normal upper-tail probability `P(Z > z)`.
    public static func normalTail(_ z: Double) -> Double { 0.5 * erfc(z / 2.0.squareRoot()) }

    /// The standard normal quantile, by bisection on `normalTail` (accurate to 1e-10).
    public static func normalQuantile(_ p: Double) -> Double {
        var low = -40.0
        var high = 40.0
        for _ in 0..<120 {
            let mid = (low + high) / 2
            if 1 - normalTail(mid) < p { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }

    /// Student's t quantile with `df` degrees of freedom (Cornish–Fisher expansion about the normal quantile;
    /// within 1e-3 for df ≥ 5).
    public static func tQuantile(_ p: Double, degreesOfFreedom df: Double) -> Double {
        let z = normalQuantile(p)
        let z3 = z * z * z
        let z5 = z3 * z * z
        let z7 = z5 * z * z
        return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df)
            + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df * df * df)
    }

    /// The tail probability for Hesterberg's expanded percentile bootstrap interval: the percentile interval
    /// under-covers in small samples, so its tails are taken at `P(Z > √(n/(n−1))·t_{n−1})` instead of `(1 − c)/2`.
    public static func expandedTail(confidence: Double, sampleSize n: Int) -> Double {
        guard n > 2 else { return (1 - confidence) / 2 }
        let t = tQuantile(1 - (1 - confidence) / 2, degreesOfFreedom: Double(n - 1))
        return normalTail((Double(n) / Double(n - 1)).squareRoot() * t)
    }
}
