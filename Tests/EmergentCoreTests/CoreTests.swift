import EmergentCore
import Foundation
import Testing

@Suite("Core vocabulary")
struct CoreTests {
    @Test("JSONValue round-trips through JSON, keeping integers as integers")
    func jsonRoundTrip() throws {
        let value: JSONValue = [
            "name": "emergent", "count": 3, "ratio": 0.5, "ok": true, "none": nil, "list": [1, "two"],
        ]
        let data = try JSONEncoder().encode(value)
        let decoded = try JSONDecoder().decode(JSONValue.self, from: data)
        #expect(decoded == value)
        if case .object(let object) = decoded {
            #expect(object["count"] == .int(3))
            #expect(object["ratio"] == .double(0.5))
        } else {
            Issue.record("expected an object")
        }
    }

    @Test("usage derives rates from counts and seconds")
    func usageRates() {
        let usage = Usage(
            promptTokens: 100, reusedPromptTokens: 60, completionTokens: 20, promptSeconds: 0.5, generationSeconds: 2)
        #expect(usage.evaluatedPromptTokens == 40)
        #expect(usage.promptTokensPerSecond == 80)
        #expect(usage.generationTokensPerSecond == 10)
        #expect(usage.totalTokens == 120)
        #expect(Usage().generationTokensPerSecond == 0)
    }

    @Test("finish reasons map to OpenAI's names")
    func finishReasons() {
        #expect(FinishReason.endOfGeneration.openAIName == "stop")
        #expect(FinishReason.stopSequence("x").openAIName == "stop")
        #expect(FinishReason.maxTokens.openAIName == "length")
        #expect(FinishReason.contextFull.openAIName == "length")
    }

    @Test("EMERGENT_HOME sets where models live")
    func paths() {
        let paths = EmergentPaths(environment: ["EMERGENT_HOME": "/tmp/emergent-home"])
        #expect(paths.defaultModel.path == "/tmp/emergent-home/models/gemma-3-270m-q4_k_m.gguf")
        #expect(EmergentPaths(environment: [:]).home.lastPathComponent == ".emergent")
    }
}
