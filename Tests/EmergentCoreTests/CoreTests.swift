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

    @Test("the parser keeps key order and integer-ness, and writes back byte for byte")
    func orderedParse() throws {
        let text = #"{"zeta":1,"alpha":{"b":2.5,"a":[true,null,"x\n\u00e9\ud83d\ude00"]},"mid":-0.0}"#
        let value = try JSONParser.parse(text)
        #expect(value.objectValue?.keys == ["zeta", "alpha", "mid"])
        #expect(value["alpha"]?.objectValue?.keys == ["b", "a"])
        #expect(value["zeta"] == .int(1))
        #expect(value["alpha"]?["a"]?.arrayValue?[2] == .string("x\né😀"))
        #expect(try JSONParser.parse(value.compactJSON) == value)
        #expect(JSONValue.object(["b": 1, "a": 2]).compactJSON == #"{"b":1,"a":2}"#)
    }

    @Test("malformed JSON is reported with line and column", arguments: [
        ("{\"a\": 1,\n \"b\" 2}", 2, 6, "expected ':'"),
        ("[1, 2", 1, 6, "unexpected end"),
        ("{\"a\": tru}", 1, 7, "expected 'true'"),
        ("{\"a\": 01}", 1, 8, "leading zeros"),
        ("{'a': 1}", 1, 2, "expected a string key"),
        ("\"line\nbreak\"", 1, 6, "control character"),
        ("[1] [2]", 1, 5, "unexpected text after"),
    ])
    func malformed(text: String, line: Int, column: Int, detail: String) {
        do {
            _ = try JSONParser.parse(text)
            Issue.record("parsed malformed JSON: \(text)")
        } catch {
            #expect(error.line == line && error.column == column, "\(error)")
            #expect(error.detail.contains(detail), "\(error)")
        }
    }

    @Test("deep nesting is refused, not a stack overflow")
    func deepNesting() {
        let text = String(repeating: "[", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
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
