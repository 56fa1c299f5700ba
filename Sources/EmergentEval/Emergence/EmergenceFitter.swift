import Foundation

/// Fits the loss-perspective analysis of Du et al. (2024) to measured results: for each (task, metric) a smooth and
/// an emergent model of performance against loss, chosen by BIC; η with a bootstrap interval; a size term; the
/// scaling laws; and the metric-mirage comparison.
///
/// Decision rule: a (task, metric) is **emergent** when all hold:
/// 1. `ΔBIC = BIC(smooth) − BIC(emergent) > 2` (Gaussian errors, both models with 3 parameters plus σ);
/// 2. the rise below η is positive (`a > 0`);
/// 3. η lies inside the observed losses with at least 3 points above it and 3 below;
/// 4. the points above η are at chance: their mean gain is within `2·σ̂/√k` of 0 (σ̂² = RSS/(n − 3)).
public struct EmergenceFitter: Sendable {
    /// Bootstrap resamples for η's and the size term's intervals (0 skips the bootstrap).
    public var bootstrapResamples: Int
    public var seed: UInt64
    /// The intervals' nominal coverage. Intervals are Hesterberg's expanded percentile intervals: for n points the
    /// tails are at `P(Z > √(n/(n−1))·t_{n−1, (1+c)/2})` (1.9% and 98.1% for n = 30 at 95%), which corrects the
    /// plain percentile interval's under-coverage in small samples.
    public var confidence: Double
    /// Whether to fit the size term (`c·ln N`) and bootstrap its coefficient.
    public var testsSizeEffect: Bool

    /// Fewer points than this are reported as "too few points".
    public static let minimumPoints = 4
    /// The ΔBIC (and size-term ΔBIC) above which the richer model is preferred.
    public static let bicMargin = 2.0

    public init(
        bootstrapResamples: Int = 1000, seed: UInt64 = 1, confidence: Double = 0.95, testsSizeEffect: Bool = true
    ) {
        self.bootstrapResamples = bootstrapResamples
        self.seed = seed
        self.confidence = confidence
        self.testsSizeEffect = testsSizeEffect
    }

    /// Fits every (task, metric) in `results`.
    public func fit(_ results: EmergenceResults) throws(EmergenceError) -> EmergenceFitReport {
        guard !results.checkpoints.isEmpty else {
            throw EmergenceError("the results file has no checkpoints; measure at least 4 checkpoints and fit again")
        }
        guard !results.rows.isEmpty else {
            throw EmergenceError("the results file has no scores (rows); measure some tasks and fit again")
        }
        let byID = Dictionary(results.checkpoints.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let sizeLaw = LossScalingFit.fit(
            parameters: results.checkpoints.map(\.parameters), loss: results.checkpoints.map(\.loss)
        )
        let withTokens = results.checkpoints.filter { $0.trainingTokens != nil }
        let computeLaw =
            withTokens.count == results.checkpoints.count
            ? ComputeScalingFit.fit(
                parameters: withTokens.map(\.parameters), tokens: withTokens.compactMap(\.trainingTokens),
                loss: withTokens.map(\.loss)
            ) : nil

        var groups: [String: [EmergenceResults.Row]] = [:]
        var order: [String] = []
        for row in results.rows {
            let key = row.task + "\u{1F}" + row.metric
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(row)
        }
        var tasks: [TaskEmergenceFit] = []
        for key in order {
            guard let rows = groups[key], let first = rows.first else { continue }
            let points: [TaskEmergenceFit.Point] = rows.compactMap { row in
                guard let checkpoint = byID[row.checkpoint], row.value.isFinite, checkpoint.loss.isFinite else {
                    return nil
                }
                return .init(
                    checkpoint: row.checkpoint, loss: checkpoint.loss, parameters: checkpoint.parameters,
                    trainingTokens: checkpoint.trainingTokens, value: row.value
                )
            }
            tasks.append(
                fitTask(
                    task: first.task, metric: first.metric, chance: first.chance, higherIsBetter: first.higherIsBetter,
                    continuous: first.continuous, points: points, sizeLaw: sizeLaw
                )
            )
        }
        return EmergenceFitReport(
            version: EmergentEval.version, corpus: results.corpus, bootstrapResamples: bootstrapResamples, seed: seed,
            confidence: confidence, checkpoints: results.checkpoints, sizeLaw: sizeLaw, computeLaw: computeLaw,
            tasks: tasks, mirage: MirageCheck.compare(tasks)
        )
    }

    /// Fits one (task, metric) from its points.
    public func fitTask(
        task: String, metric: String, chance: Double, higherIsBetter: Bool, continuous: Bool,
        points: [TaskEmergenceFit.Point], sizeLaw: LossScalingFit? = nil
    ) -> TaskEmergenceFit {
        var result = TaskEmergenceFit(
            task: task, metric: metric, higherIsBetter: higherIsBetter, continuous: continuous, chance: chance,
            points: points, verdict: .tooFewPoints, reason: "", bootstrapFits: 0, pointsAbove: 0, pointsBelow: 0
        )
        let distinctLosses = Set(points.map(\.loss)).count
        guard points.count >= Self.minimumPoints, distinctLosses >= Self.minimumPoints else {
            result.reason =
                "\(points.count) points at \(distinctLosses) distinct losses; at least \(Self.minimumPoints) are needed"
            return result
        }
        let sign = higherIsBetter ? 1.0 : -1.0
        let loss = points.map(\.loss)
        let gain = points.map { sign * ($0.value - chance) }
        guard let smooth = SmoothLossFit.fit(loss: loss, gain: gain),
            let emergent = ThresholdLossFit.fit(loss: loss, gain: gain)
        else {
            result.reason = "the fits did not converge (are all losses equal?)"
            return result
        }
        let n = points.count
        let smoothCriteria = TaskEmergenceFit.Criteria(rss: smooth.rss, points: n, parameters: smooth.parameterCount)
        let emergentCriteria = TaskEmergenceFit.Criteria(
            rss: emergent.rss, points: n, parameters: emergent.parameterCount
        )
        let deltaBIC = smoothCriteria.bic - emergentCriteria.bic
        result.smooth = smooth
        result.emergent = emergent
        result.smoothCriteria = smoothCriteria
        result.emergentCriteria = emergentCriteria
        result.deltaBIC = deltaBIC
        result.deltaAIC = smoothCriteria.aic - emergentCriteria.aic

        let above = gain.indices.filter { loss[$0] > emergent.threshold }
        result.pointsAbove = above.count
        result.pointsBelow = n - above.count
        let sigma = (emergent.rss / Double(max(n - emergent.parameterCount, 1))).squareRoot()
        let meanAbove = above.isEmpty ? nil : above.reduce(0) { $0 + gain[$1] } / Double(above.count)
        let tolerance = above.isEmpty ? nil : 2 * sigma / Double(above.count).squareRoot()
        result.meanGainAbove = meanAbove
        result.chanceTolerance = tolerance

        let verdict = Self.decide(
            deltaBIC: deltaBIC, emergent: emergent, above: above.count, below: n - above.count,
            meanAbove: meanAbove, tolerance: tolerance
        )
        result.verdict = verdict.emergent ? .emergent : .smooth
        result.reason = verdict.reason

        let sizes = points.map { log(max($0.parameters, 1)) }
        let meanSize = sizes.reduce(0, +) / Double(n)
        let centredSizes = sizes.map { $0 - meanSize }
        let fitsSize = testsSizeEffect && Set(points.map(\.parameters)).count >= 2
        let useEmergent = result.verdict == .emergent
        func sizeFit(_ loss: [Double], _ gain: [Double], _ size: [Double]) -> (c: Double, rss: Double)? {
            if useEmergent {
                return ThresholdLossFit.fit(loss: loss, gain: gain, size: size).map { ($0.sizeCoefficient, $0.rss) }
            }
            return SmoothLossFit.fit(loss: loss, gain: gain, size: size).map { ($0.sizeCoefficient, $0.rss) }
        }
        let withSize = fitsSize ? sizeFit(loss, gain, centredSizes) : nil

        // Bootstrap: resample checkpoints with replacement and refit; percentile intervals.
        var thresholds: [Double] = []
        var coefficients: [Double] = []
        var generator = SeededGenerator(seed: seed ^ SeededGenerator.stableHash(task + "/" + metric))
        for _ in 0..<max(bootstrapResamples, 0) {
            let picks = (0..<n).map { _ in Int(generator.next() % UInt64(n)) }
            let sampleLoss = picks.map { loss[$0] }
            guard Set(sampleLoss).count >= Self.minimumPoints else { continue }
            let sampleGain = picks.map { gain[$0] }
            if let fit = ThresholdLossFit.fit(loss: sampleLoss, gain: sampleGain) { thresholds.append(fit.threshold) }
            if withSize != nil, let fit = sizeFit(sampleLoss, sampleGain, picks.map { centredSizes[$0] }) {
                coefficients.append(fit.c)
            }
        }
        result.bootstrapFits = thresholds.count
        let tail = LeastSquares.expandedTail(confidence: confidence, sampleSize: n)
        if thresholds.count >= 10, let lower = LeastSquares.quantile(thresholds, tail),
            let upper = LeastSquares.quantile(thresholds, 1 - tail)
        {
            result.thresholdInterval = .init(lower: lower, upper: upper)
        }

        if let withSize {
            let without = useEmergent ? emergent.rss : smooth.rss
            let k = useEmergent ? emergent.parameterCount : smooth.parameterCount
            let bicWithout = TaskEmergenceFit.Criteria(rss: without, points: n, parameters: k).bic
            let bicWith = TaskEmergenceFit.Criteria(rss: withSize.rss, points: n, parameters: k + 1).bic
            var interval: TaskEmergenceFit.Interval?
            if coefficients.count >= 10, let lower = LeastSquares.quantile(coefficients, tail),
                let upper = LeastSquares.quantile(coefficients, 1 - tail)
            {
                interval = .init(lower: lower, upper: upper)
            }
            let excludesZero = interval.map { $0.lower > 0 || $0.upper < 0 } ?? false
            result.sizeEffect = .init(
                model: useEmergent ? "emergent" : "smooth", coefficient: withSize.c, interval: interval,
                rssWithout: without, rssWith: withSize.rss, deltaBIC: bicWithout - bicWith,
                detected: excludesZero && bicWithout - bicWith > Self.bicMargin
            )
        }

        if let sizeLaw {
            let central = sizeLaw.parameters(reachingLoss: emergent.threshold)
            result.parameterThreshold = .init(
                reachable: central != nil, parameters: central,
                lower: result.thresholdInterval.flatMap { sizeLaw.parameters(reachingLoss: $0.upper) },
                upper: result.thresholdInterval.flatMap { sizeLaw.parameters(reachingLoss: $0.lower) }
            )
        }
        return result
    }

    /// The decision rule (see the type's documentation).
    static func decide(
        deltaBIC: Double, emergent: ThresholdLossFit, above: Int, below: Int, meanAbove: Double?, tolerance: Double?
    ) -> (emergent: Bool, reason: String) {
        let bic = String(format: "%.1f", deltaBIC)
        guard deltaBIC > bicMargin else {
            return (false, "the threshold model is not better than the smooth one (ΔBIC \(bic) ≤ \(Int(bicMargin)))")
        }
        guard emergent.scale > 0 else { return (false, "the fitted rise below η is not positive") }
        guard above >= 3, below >= 3 else {
            return (false, "η is at the edge of the data (\(above) points above it, \(below) below; 3 each needed)")
        }
        guard let meanAbove, let tolerance, abs(meanAbove) <= tolerance else {
            return (false, "the points above η are not at chance (mean gain beyond 2 standard errors)")
        }
        return (true, "ΔBIC \(bic) > \(Int(bicMargin)); \(above) points at chance above η, \(below) rising below")
    }
}
