import EmergentEval
import Foundation
import Testing

@Suite("Emergence fitting routines on exact data")
struct EmergenceFittingTests {
    let losses = (0..<25).map { 2.2 + Double($0) * 0.06 }

    @Test("a 3×3 linear system is solved, and a singular one is refused")
    func linearSolve() throws {
        let x = try #require(LeastSquares.solve([[2, 1, 0], [1, 3, 1], [0, 1, 4]], [3, 5, 5]))
        for (value, expected) in zip(x, [1.0, 1, 1]) { #expect(abs(value - expected) < 1e-12) }
        #expect(LeastSquares.solve([[1, 2], [2, 4]], [1, 2]) == nil)
    }

    @Test("the smooth logistic fit recovers u, k and m from exact data")
    func smoothRecovers() throws {
        let gain = losses.map { 0.5 / (1 + exp(-3 * (2.8 - $0))) }
        let fit = try #require(SmoothLossFit.fit(loss: losses, gain: gain))
        #expect(abs(fit.upper - 0.5) < 1e-4)
        #expect(abs(fit.slope - 3) < 1e-3)
        #expect(abs(fit.midpoint - 2.8) < 1e-4)
        #expect(fit.rss < 1e-10)
    }

    @Test("the threshold fit recovers η, a and b from exact data")
    func thresholdRecovers() throws {
        let gain = losses.map { $0 < 3.0 ? 0.4 * pow(3.0 - $0, 1.5) : 0 }
        let fit = try #require(ThresholdLossFit.fit(loss: losses, gain: gain))
        #expect(abs(fit.threshold - 3.0) < 1e-3)
        #expect(abs(fit.scale - 0.4) < 2e-3)
        #expect(abs(fit.exponent - 1.5) < 1e-2)
        #expect(fit.rss < 1e-7)
    }

    @Test("the size term recovers a planted coefficient in both models")
    func sizeTermRecovers() throws {
        let size = losses.indices.map { Double($0 % 5) - 2 }
        let threshold = losses.indices.map { i in
            (losses[i] < 3.0 ? 0.4 * (3.0 - losses[i]) : 0) + 0.03 * size[i]
        }
        let emergent = try #require(ThresholdLossFit.fit(loss: losses, gain: threshold, size: size))
        #expect(abs(emergent.sizeCoefficient - 0.03) < 1e-3)
        let logistic = losses.indices.map { i in 0.5 / (1 + exp(-3 * (2.8 - losses[i]))) + 0.02 * size[i] }
        let smooth = try #require(SmoothLossFit.fit(loss: losses, gain: logistic, size: size))
        #expect(abs(smooth.sizeCoefficient - 0.02) < 1e-4)
    }

    @Test("L(N) = L∞ + (N₀/N)^α is recovered from exact losses")
    func sizeLawRecovers() throws {
        let sizes = [5e7, 1e8, 3e8, 1e9, 3e9, 1e10]
        let truth = LossScalingFit(irreducibleLoss: 1.8, scaleParameters: 8.8e13, exponent: 0.076, rss: 0, points: 6)
        let fit = try #require(
            LossScalingFit.fit(parameters: sizes, loss: sizes.map { truth.loss(parameters: $0) })
        )
        #expect(abs(fit.exponent - 0.076) / 0.076 < 0.02)
        #expect(abs(fit.irreducibleLoss - 1.8) < 0.02)
        for n in sizes { #expect(abs(fit.loss(parameters: n) - truth.loss(parameters: n)) < 1e-6) }
        #expect(fit.parameters(reachingLoss: 1.7) == nil)
        let n = try #require(fit.parameters(reachingLoss: truth.loss(parameters: 2e9)))
        #expect(abs(n / 2e9 - 1) < 1e-3)
    }

    @Test("L(N, D) = E + A/N^α + B/D^β is recovered from exact losses")
    func computeLawRecovers() throws {
        let truth = SyntheticEmergence.chinchilla
        var n: [Double] = []
        var d: [Double] = []
        for size in [7e7, 1.6e8, 4.1e8, 1e9, 2.8e9] {
            for tokens in [2e9, 8e9, 3e10, 1e11, 3e11] {
                n.append(size)
                d.append(tokens)
            }
        }
        let loss = zip(n, d).map { truth.loss(parameters: $0, tokens: $1) }
        let fit = try #require(ComputeScalingFit.fit(parameters: n, tokens: d, loss: loss))
        #expect(abs(fit.sizeExponent - 0.34) < 0.01)
        #expect(abs(fit.dataExponent - 0.28) < 0.01)
        #expect(abs(fit.irreducibleLoss - 1.69) < 0.02)
        #expect(fit.rss < 1e-8)
    }
}
