@testable import EmergentEval
import Foundation
import Testing

@Suite("AgentBench overall score")
struct OverallScoreTests {
    @Test("the published weights reproduce GPT-4's 4.01 and three other models' published OA from Table 3")
    func reproducesPublishedOverall() throws {
        #expect(PublishedAgentBenchResult.table.count >= 3)
        for row in PublishedAgentBenchResult.table {
            let overall = try #require(OverallWeights.agentBench.overall(row.scores))
            #expect(abs(overall - row.overall) < 0.005, "\(row.model): \(overall) vs published \(row.overall)")
        }
        let gpt4 = try #require(PublishedAgentBenchResult.table.first { $0.model == "gpt-4" })
        #expect(String(format: "%.2f", OverallWeights.agentBench.overall(gpt4.scores) ?? 0) == "4.01")
    }

    @Test("a wrong weight breaks the reproduction (the check can fail)")
    func wrongWeightFails() throws {
        var weights = OverallWeights.agentBench
        weights.averages["webshop"] = 13.0
        let gpt4 = try #require(PublishedAgentBenchResult.table.first { $0.model == "gpt-4" })
        let overall = try #require(weights.overall(gpt4.scores))
        #expect(abs(overall - 4.01) > 0.1)
    }

    @Test("weights recomputed from runs are each environment's mean score; OA of the mean run is 1")
    func recomputedWeights() throws {
        let runs: [[String: Double]] = [["db": 40, "os": 10], ["db": 20, "os": 30], ["db": 30]]
        let weights = OverallWeights.average(of: runs, source: "test")
        #expect(weights.averages["db"] == 30)
        #expect(weights.averages["os"] == 20)
        #expect(weights.overall(["db": 30, "os": 20]) == 1)
        #expect(weights.overall(["db": 60, "os": 20]) == 1.5)
        // Environments without a weight are left out; nothing to score gives nil.
        #expect(weights.overall(["db": 30, "dcg": 50]) == 1)
        #expect(weights.overall(["dcg": 50]) == nil)
    }

    @Test("weights round-trip through the JSON file `eval weights` writes")
    func weightsFile() throws {
        let data = try JSONEncoder().encode(OverallWeights.agentBench)
        let back = try JSONDecoder().decode(OverallWeights.self, from: data)
        #expect(back == OverallWeights.agentBench)
    }
}
