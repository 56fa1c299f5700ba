import Foundation

/// A planted world to validate the fit where the truth is known: checkpoint families whose loss follows a
/// Chinchilla law, and tasks whose scores follow a known threshold or smooth curve in loss, with binomial noise for
/// accuracy (as from a few hundred items) and Gaussian noise for continuous metrics. Seeded and reproducible.
public struct SyntheticEmergence: Sendable {
    /// How a planted task's gain over chance depends on loss.
    public enum Curve: Sendable, Hashable {
        /// Chance above `threshold`, then `scale·(threshold − L)^exponent` below it.
        case threshold(threshold: Double, scale: Double, exponent: Double)
        /// `upper / (1 + exp(−slope·(midpoint − L)))`: no threshold.
        case logistic(upper: Double, slope: Double, midpoint: Double)

        public func gain(loss: Double) -> Double {
            switch self {
            case let .threshold(threshold, scale, exponent):
                return loss < threshold ? scale * pow(threshold - loss, exponent) : 0
            case let .logistic(upper, slope, midpoint):
                return upper / (1 + exp(-slope * (midpoint - loss)))
            }
        }
    }

    /// One planted (task, metric).
    public struct PlantedMetric: Sendable, Hashable {
        public var task: String
        public var metric: String
        public var curve: Curve
        public var chance: Double
        public var higherIsBetter: Bool
        public var continuous: Bool
        /// Items scored: accuracy gets binomial noise from this many items.
        public var items: Int
        /// Gaussian noise for continuous metrics.
        public var noise: Double
        /// A planted size effect: gain per e-fold of parameters at equal loss (0 for none).
        public var sizeEffect: Double

        public init(
            task: String, metric: String, curve: Curve, chance: Double, higherIsBetter: Bool = true,
            continuous: Bool = false, items: Int = 300, noise: Double = 0.01, sizeEffect: Double = 0
        ) {
            self.task = task
            self.metric = metric
            self.curve = curve
            self.chance = chance
            self.higherIsBetter = higherIsBetter
            self.continuous = continuous
            self.items = items
            self.noise = noise
            self.sizeEffect = sizeEffect
        }
    }

    /// Parameter counts of the families.
    public var sizes: [Double]
    /// Training tokens of each family's checkpoints.
    public var tokens: [Double]
    /// The planted loss law `E + A/N^α + B/D^β`.
    public var law: ComputeScalingFit
    /// Gaussian noise on each measured loss, in nats.
    public var lossNoise: Double
    public var metrics: [PlantedMetric]

    public init(
        sizes: [Double], tokens: [Double], law: ComputeScalingFit, lossNoise: Double, metrics: [PlantedMetric]
    ) {
        self.sizes = sizes
        self.tokens = tokens
        self.law = law
        self.lossNoise = lossNoise
        self.metrics = metrics
    }

    /// The Chinchilla constants (Hoffmann et al. 2022), used as the planted loss law.
    public static let chinchilla = ComputeScalingFit(
        irreducibleLoss: 1.69, sizeScale: 406.4, sizeExponent: 0.34, dataScale: 410.7, dataExponent: 0.28, rss: 0,
        points: 0
    )

    /// Six sizes (70M–2.8B) × five token budgets (2B–300B): losses from about 2.2 to 3.6 nats. Tasks: an emergent
    /// task (η = 2.8) whose choice probability shares the threshold; a smooth task; and a mirage (accuracy with a
    /// threshold at 2.6, Brier score falling smoothly).
    public static let standard = SyntheticEmergence(
        sizes: [7e7, 1.6e8, 4.1e8, 1e9, 1.4e9, 2.8e9],
        tokens: [2e9, 8e9, 3e10, 1e11, 3e11],
        law: chinchilla,
        lossNoise: 0.003,
        metrics: [
            .init(
                task: "planted_threshold", metric: "acc", curve: .threshold(threshold: 2.8, scale: 0.8, exponent: 1),
                chance: 0.25
            ),
            .init(
                task: "planted_threshold", metric: "correct_choice_prob",
                curve: .threshold(threshold: 2.8, scale: 0.5, exponent: 1), chance: 0.25, continuous: true
            ),
            .init(
                task: "planted_smooth", metric: "acc", curve: .logistic(upper: 0.5, slope: 2.5, midpoint: 2.6),
                chance: 0.25
            ),
            .init(
                task: "planted_mirage", metric: "acc", curve: .threshold(threshold: 2.9, scale: 1.0, exponent: 1),
                chance: 0.25
            ),
            .init(
                task: "planted_mirage", metric: "brier", curve: .logistic(upper: 0.45, slope: 2, midpoint: 3.0),
                chance: 0.75, higherIsBetter: false, continuous: true
            ),
        ]
    )

    /// Draws one world: every size × token budget is a checkpoint, every planted metric a row per checkpoint.
    public func generate(seed: UInt64) -> EmergenceResults {
        var generator = SeededGenerator(seed: seed)
        var checkpoints: [EmergenceResults.Checkpoint] = []
        for size in sizes {
            for budget in tokens {
                let loss = law.loss(parameters: size, tokens: budget) + lossNoise * generator.normal()
                checkpoints.append(
                    .init(
                        id: "n\(Self.short(size))-d\(Self.short(budget))", label: nil, path: nil, parameters: size,
                        trainingTokens: budget, loss: loss
                    )
                )
            }
        }
        let meanLogSize = sizes.map { log($0) }.reduce(0, +) / Double(max(sizes.count, 1))
        var rows: [EmergenceResults.Row] = []
        for planted in metrics {
            for checkpoint in checkpoints {
                let gain =
                    planted.curve.gain(loss: checkpoint.loss)
                    + planted.sizeEffect * (log(checkpoint.parameters) - meanLogSize)
                let truth = planted.chance + (planted.higherIsBetter ? gain : -gain)
                let value: Double
                if planted.continuous {
                    value = min(max(truth + planted.noise * generator.normal(), 0), 1)
                } else {
                    let probability = min(max(truth, 0), 1)
                    value =
                        Double(generator.binomial(trials: planted.items, probability: probability))
                        / Double(max(planted.items, 1))
                }
                rows.append(
                    .init(
                        checkpoint: checkpoint.id, task: planted.task, metric: planted.metric, value: value,
                        chance: planted.chance, higherIsBetter: planted.higherIsBetter,
                        continuous: planted.continuous, count: planted.items
                    )
                )
            }
        }
        return EmergenceResults(corpus: "synthetic (seed \(seed))", checkpoints: checkpoints, rows: rows)
    }

    private static func short(_ value: Double) -> String {
        if value >= 1e9 { return String(format: "%gB", value / 1e9) }
        if value >= 1e6 { return String(format: "%gM", value / 1e6) }
        return String(format: "%g", value)
    }
}
