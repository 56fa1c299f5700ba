@testable import EmergentEval
import EmergentCore
import Foundation
import Testing

@Suite("AgentTuning mixture")
struct TuningMixTests {
    private func examples(_ prefix: String, _ count: Int) -> [String] {
        (0..<count).map { #"{"messages":[{"role":"user","content":"\#(prefix) \#($0)"},{"role":"assistant","content":"ok"}]}"# }
    }

    @Test("the same inputs and seed give the same mixture; another seed gives another order")
    func deterministic() throws {
        let mix = TuningMix(eta: 0.2, size: 100, seed: 7)
        let first = try mix.mix(agent: examples("agent", 60), general: examples("general", 400))
        let second = try mix.mix(agent: examples("agent", 60), general: examples("general", 400))
        #expect(first.lines == second.lines)
        let other = try TuningMix(eta: 0.2, size: 100, seed: 8).mix(agent: examples("agent", 60), general: examples("general", 400))
        #expect(other.lines != first.lines)
    }

    @Test("η holds within one example for many sizes", arguments: [1, 7, 10, 33, 99, 250])
    func etaProportion(size: Int) throws {
        let result = try TuningMix(eta: 0.2, size: size, seed: 3).mix(agent: examples("agent", 300), general: examples("general", 300))
        let agentLines = result.lines.filter { $0.contains("agent ") }.count
        #expect(result.lines.count == size)
        #expect(abs(Double(agentLines) - 0.2 * Double(size)) <= 1, "\(agentLines) of \(size)")
        #expect(result.report.agentChosen == agentLines)
    }

    @Test("exact duplicates are removed before sampling, across both files, ignoring ids")
    func duplicates() throws {
        let agent = examples("agent", 5) + examples("agent", 5)
        let withID = #"{"id":"x","conversations":[{"from":"human","value":"hi"},{"from":"gpt","value":"ok"}]}"#
        let sameConversation = #"{"id":"y","conversations":[{"from":"human","value":"hi","loss":false},{"from":"gpt","value":"ok"}]}"#
        #expect(TuningMix.canonicalKey(withID) == TuningMix.canonicalKey(sameConversation))
        let result = try TuningMix(eta: 0.5, size: 10, seed: 1).mix(agent: agent, general: examples("general", 5) + examples("agent", 2))
        #expect(result.report.duplicatesRemoved == 7)
        #expect(result.report.agentAvailable == 5)
        #expect(result.report.generalAvailable == 5)
        #expect(Set(result.lines).count == 10)
    }

    @Test("too few examples for the size is an error that says the largest size possible")
    func tooSmall() {
        #expect {
            try TuningMix(eta: 0.2, size: 100, seed: 1).mix(agent: examples("agent", 10), general: examples("general", 400))
        } throws: { error in
            let text = String(describing: error)
            return text.contains("needs 20 agent") && text.contains("--size 50")
        }
    }

    @Test("files of different formats, or lines that are not examples, are refused with the line")
    func badFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mix-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let openai = folder.appendingPathComponent("a.jsonl")
        try examples("agent", 3).joined(separator: "\n").write(to: openai, atomically: true, encoding: .utf8)
        let sharegpt = folder.appendingPathComponent("g.jsonl")
        try #"{"conversations":[{"from":"human","value":"hi"}]}"#.write(to: sharegpt, atomically: true, encoding: .utf8)
        #expect { try TuningMix(eta: 0.5, size: 2, seed: 1).mix(agent: openai, general: sharegpt) } throws: { error in
            String(describing: error).contains("format")
        }
        let broken = folder.appendingPathComponent("b.jsonl")
        try (examples("agent", 1)[0] + "\n[1,2]\n").write(to: broken, atomically: true, encoding: .utf8)
        #expect { try TuningMix(eta: 0.5, size: 2, seed: 1).mix(agent: broken, general: openai) } throws: { error in
            String(describing: error).contains("b.jsonl:2")
        }
    }
}
