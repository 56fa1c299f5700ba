import Foundation

/// A small, fast, seeded random number generator (SplitMix64), so that bootstraps and synthetic data are
/// reproducible from a seed on every platform.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform draw in (0, 1), never exactly 0.
    public mutating func uniform() -> Double {
        (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992.0
    }

    /// A standard normal draw (Box–Muller).
    public mutating func normal() -> Double {
        let u1 = uniform()
        let u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A binomial draw: successes in `trials` Bernoulli trials of probability `probability`.
    public mutating func binomial(trials: Int, probability: Double) -> Int {
        var successes = 0
        for _ in 0..<max(trials, 0) where uniform() < probability { successes += 1 }
        return successes
    }

    /// A stable 64-bit hash of a string (FNV-1a), to derive per-task seeds that do not change between runs.
    public static func stableHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
