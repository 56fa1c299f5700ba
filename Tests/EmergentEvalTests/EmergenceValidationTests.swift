import EmergentEval
import Foundation
import Testing

/// Validation where the truth is known: planted worlds from `SyntheticEmergence`.
@Suite("Emergence fit on planted worlds")
struct EmergenceValidationTests {
    static let seeds: [UInt64] = Array(1...100)

    static func world(_ metric: SyntheticEmergence.PlantedMetric) -> SyntheticEmergence {
        var world = SyntheticEmergence.standard
        world.metrics = [metric]
        return world
    }

    static func fitOnly(_ results: EmergenceResults, fitter: EmergenceFitter) throws -> TaskEmergenceFit {
        let fit = try fitter.fit(results)
        return try #require(fit.tasks.first)
    }

    /// Fits the planted world for each seed concurrently (the seeds are independent) and returns the fits.
    static func fits(
        of world: SyntheticEmergence, bootstrap: Int
    ) async -> [TaskEmergenceFit] {
        await withTaskGroup(of: TaskEmergenceFit?.self) { group in
            for seed in seeds {
                group.addTask {
                    let fitter = EmergenceFitter(bootstrapResamples: bootstrap, seed: seed, testsSizeEffect: false)
                    return try? fitter.fit(world.generate(seed: seed)).tasks.first
                }
            }
            var fits: [TaskEmergenceFit] = []
            for await fit in group { if let fit { fits.append(fit) } }
            return fits
        }
    }

    @Test("η's 95% bootstrap interval contains the planted η in at least 95% of 100 seeds")
    func thresholdCoverage() async throws {
        let fits = await Self.fits(of: Self.world(SyntheticEmergence.standard.metrics[0]), bootstrap: 200)
        #expect(fits.count == 100)
        let covered = fits.filter { $0.thresholdInterval?.contains(2.8) == true }.count
        let calledEmergent = fits.filter { $0.verdict == .emergent }.count
        print("planted η = 2.8: covered in \(covered)/100 seeds; called emergent in \(calledEmergent)/100")
        #expect(covered >= 95)
        #expect(calledEmergent >= 75)
    }

    @Test("a smooth (logistic) task is called emergent in at most 5% of 100 seeds")
    func smoothFalsePositives() async throws {
        let fits = await Self.fits(of: Self.world(SyntheticEmergence.standard.metrics[2]), bootstrap: 0)
        #expect(fits.count == 100)
        let falsePositives = fits.filter { $0.verdict == .emergent }.count
        print("smooth task called emergent in \(falsePositives)/100 seeds")
        #expect(falsePositives <= 5)
    }

    @Test("a planted size effect at equal loss is detected, and none is reported when absent")
    func sizeEffect() throws {
        var planted = SyntheticEmergence.standard.metrics[0]
        planted.sizeEffect = 0.03
        let fitter = EmergenceFitter(bootstrapResamples: 200, seed: 7)
        let with = try Self.fitOnly(Self.world(planted).generate(seed: 7), fitter: fitter)
        let effect = try #require(with.sizeEffect)
        #expect(effect.detected)
        #expect(effect.interval?.contains(0.03) == true)
        planted.sizeEffect = 0
        let without = try Self.fitOnly(Self.world(planted).generate(seed: 7), fitter: fitter)
        let none = try #require(without.sizeEffect)
        #expect(!none.detected)
        #expect(none.interval?.contains(0) == true)
    }

    @Test("the standard world: verdicts, scaling law, mirage check, and a complete report")
    func standardWorld() throws {
        let results = SyntheticEmergence.standard.generate(seed: 3)
        let report = try EmergenceFitter(bootstrapResamples: 100, seed: 3).fit(results)
        func verdict(_ task: String, _ metric: String) -> TaskEmergenceFit.Verdict? {
            report.tasks.first { $0.task == task && $0.metric == metric }?.verdict
        }
        #expect(verdict("planted_threshold", "acc") == .emergent)
        #expect(verdict("planted_smooth", "acc") == .smooth)
        #expect(verdict("planted_mirage", "brier") == .smooth)
        let law = try #require(report.sizeLaw)
        #expect(law.exponent > 0)
        let compute = try #require(report.computeLaw)
        #expect(abs(compute.irreducibleLoss - 1.69) < 0.2)
        let mirage = report.mirage.first { $0.task == "planted_mirage" }
        #expect(mirage?.persists == false)
        let persists = report.mirage.first { $0.task == "planted_threshold" }
        #expect(persists?.persists == true)
        let threshold = report.tasks.first { $0.task == "planted_threshold" && $0.metric == "acc" }
        #expect(threshold?.parameterThreshold != nil)

        let html = EmergenceReportPage(report: report).html()
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.contains("<svg"))
        #expect(!html.contains("<script"))
        let data = try report.jsonData()
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["tasks"] != nil && object["size_law"] != nil && object["mirage"] != nil)
    }

    @Test("the generator is reproducible from its seed")
    func reproducible() {
        #expect(SyntheticEmergence.standard.generate(seed: 5) == SyntheticEmergence.standard.generate(seed: 5))
        #expect(SyntheticEmergence.standard.generate(seed: 5) != SyntheticEmergence.standard.generate(seed: 6))
    }
}
