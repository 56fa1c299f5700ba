import EmergentEval
import Testing

@Suite("Packing: batch plans and LongAlign's loss weighting")
struct PackingPlanTests {
    /// Random sequences: lengths and target counts, and a random loss for every target token.
    struct RandomData {
        var targetCounts: [Int]
        var losses: [[Double]]

        init(count: Int, seed: UInt64, lengths: ClosedRange<Int> = 1...400) {
            var generator = SeededGenerator(seed: seed)
            targetCounts = (0..<count).map { _ in Int.random(in: lengths, using: &generator) }
            losses = targetCounts.map { n in (0..<n).map { _ in Double.random(in: 0...8, using: &generator) } }
        }

        /// The objective LongAlign aims at: the mean over sequences of each sequence's mean token loss.
        var meanOfSequenceMeans: Double {
            losses.map { $0.reduce(0, +) / Double($0.count) }.reduce(0, +) / Double(losses.count)
        }
    }

    @Test("weighted pack sums averaged over packs equal the mean of per-sequence mean losses", arguments: [1, 2, 3, 4])
    func weightingIdentity(seed: UInt64) {
        let data = RandomData(count: 300, seed: seed)
        let plan = BatchPlanner(maxTokens: 2_000).plan(.pack, lengths: data.targetCounts)
        #expect(plan.batches.count > 1)
        let weights = LossWeighting.weights(targetCounts: data.targetCounts, batchCount: plan.batches.count)
        let packLosses = plan.batches.map { members in
            members.reduce(0.0) { sum, i in sum + data.losses[i].reduce(0, +) * weights[i] }
        }
        let averaged = packLosses.reduce(0, +) / Double(plan.batches.count)
        #expect(abs(averaged - data.meanOfSequenceMeans) < 1e-9)
    }

    @Test("the identity holds for every method's batches", arguments: PackingMethod.allCases)
    func weightingIdentityAllMethods(method: PackingMethod) {
        let data = RandomData(count: 101, seed: 9)
        let plan = BatchPlanner(batchSize: 7, maxTokens: 1_500, seed: 3).plan(method, lengths: data.targetCounts)
        let weights = LossWeighting.weights(targetCounts: data.targetCounts, batchCount: plan.batches.count)
        let averaged =
            plan.batches.map { $0.reduce(0.0) { $0 + data.losses[$1].reduce(0, +) * weights[$1] } }.reduce(0, +)
            / Double(plan.batches.count)
        #expect(abs(averaged - data.meanOfSequenceMeans) < 1e-9)
    }

    @Test("a pack's plain token mean, without the weights, misses the objective when lengths vary")
    func unweightedPackingIsBiased() {
        let data = RandomData(count: 300, seed: 5, lengths: 1...2_000)
        let plan = BatchPlanner(maxTokens: 4_000).plan(.pack, lengths: data.targetCounts)
        let packMeans = plan.batches.map { members in
            let tokens = members.reduce(0) { $0 + data.targetCounts[$1] }
            return members.reduce(0.0) { $0 + data.losses[$1].reduce(0, +) } / Double(tokens)
        }
        let averaged = packMeans.reduce(0, +) / Double(plan.batches.count)
        #expect(abs(averaged - data.meanOfSequenceMeans) > 1e-3)
    }

    @Test("every method covers each sequence exactly once")
    func plansArePartitions() {
        let lengths = SyntheticLongAlignData(seed: 1).shapes(count: 500).map(\.total)
        for method in PackingMethod.allCases {
            let plan = BatchPlanner(batchSize: 8, maxTokens: 65_536, seed: 2).plan(method, lengths: lengths)
            #expect(plan.batches.flatMap { $0 }.sorted() == Array(lengths.indices), "\(method)")
        }
    }

    @Test("packs never exceed max-tokens and are not padded")
    func packsFit() {
        let lengths = SyntheticLongAlignData(seed: 4).shapes(count: 2_000).map(\.total)
        let plan = BatchPlanner(maxTokens: 65_536).plan(.pack, lengths: lengths)
        for batch in plan.batches.indices { #expect(plan.shape(ofBatch: batch).columns <= 65_536) }
        #expect(plan.paddingFraction == 0)
    }

    @Test("naive batches keep input order; sorted batching is seeded and shuffled")
    func naiveAndSorted() {
        let lengths = [5, 1, 9, 3, 7, 2, 8]
        let naive = BatchPlanner(batchSize: 3).plan(.naive, lengths: lengths)
        #expect(naive.batches == [[0, 1, 2], [3, 4, 5], [6]])
        #expect(naive.processedTokens == 3 * 9 + 3 * 7 + 8)
        let sorted = BatchPlanner(batchSize: 3, seed: 11).plan(.sort, lengths: lengths)
        #expect(sorted == BatchPlanner(batchSize: 3, seed: 11).plan(.sort, lengths: lengths))
        for batch in sorted.batches {
            let members = batch.map { lengths[$0] }
            #expect(members == members.sorted())
        }
        #expect(sorted.processedTokens < naive.processedTokens)
    }

    @Test("on a LongAlign-like mix, packing processes at least 2x fewer tokens than naive batching")
    func packingSpeedUp() throws {
        let lengths = SyntheticLongAlignData(seed: 0).shapes(count: 10_000).map(\.total)
        let total = lengths.reduce(0, +)
        #expect((18_000_000...24_000_000).contains(total))
        let summaries = PlanSummary.compare(lengths: lengths, planner: BatchPlanner(batchSize: 8, maxTokens: 65_536))
        let pack = try #require(summaries.first { $0.method == .pack })
        let sort = try #require(summaries.first { $0.method == .sort })
        #expect(pack.speedupOverNaive >= 2)
        #expect(sort.speedupOverNaive > 1)
        #expect(pack.processedTokens == total)
    }
}
