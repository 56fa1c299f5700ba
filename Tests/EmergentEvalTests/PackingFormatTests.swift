import EmergentCore
import EmergentEval
import Foundation
import Testing

@Suite("Packing: reading conversations and writing .npy")
struct PackingFormatTests {
    @Test("OpenAI and ShareGPT lines read into the same roles")
    func bothShapes() throws {
        let text = """
            {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}

            {"conversations": [{"from": "system", "value": "Be brief."}, {"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello"}]}
            """
        let file = try ConversationFile(text: text)
        #expect(file.conversations.count == 2)
        #expect(file.conversations[0] == file.conversations[1])
        #expect(file.conversations[0].messages.map(\.role) == [.system, .user, .assistant])
    }

    @Test(
        "malformed lines name their line number and the problem",
        arguments: [
            ("not json", "not valid JSON"),
            ("[1, 2]", "not a JSON object"),
            (#"{"text": "hi"}"#, "neither"),
            (#"{"messages": [{"role": "wizard", "content": "x"}]}"#, "unknown role \"wizard\""),
            (#"{"conversations": [{"from": "human"}, {"value": "x"}]}"#, "conversations[1] has no string \"from\""),
            (#"{"messages": [{"role": "user", "content": 3}]}"#, "content is not a string"),
        ])
    func malformedLines(line: String, problem: String) {
        let text = #"{"messages": [{"role": "user", "content": "ok"}]}"# + "\n" + line
        let error = #expect(throws: PackingError.self) { try ConversationFile(text: text) }
        guard case .malformedLine(2, let message) = error else {
            Issue.record("expected a malformed line 2, got \(String(describing: error))")
            return
        }
        #expect(message.contains(problem))
        #expect(error?.message.contains("Line 2") == true)
    }

    @Test("empty input is refused with a hint")
    func emptyInput() {
        #expect(throws: PackingError.emptyInput(path: "empty.jsonl")) {
            try ConversationFile(text: "\n  \n", path: "empty.jsonl")
        }
    }

    @Test("an .npy header is NumPy v1.0 and aligns the data to 64 bytes")
    func npyHeader() {
        let data = NPYWriter.data([1, 2, 3, 4, 5, 6] as [Int32], shape: [2, 3])
        let bytes = [UInt8](data)
        #expect(Array(bytes.prefix(8)) == [0x93] + Array("NUMPY".utf8) + [1, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        let header = String(decoding: bytes[10..<10 + headerLength], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }"))
        #expect(header.hasSuffix("\n"))
        #expect(bytes.count == 10 + headerLength + 24)
        let floats = [UInt8](NPYWriter.data([0.5] as [Float], shape: [1]))
        #expect(String(decoding: floats, as: UTF8.self).contains("'<f4'"))
        #expect(String(decoding: floats, as: UTF8.self).contains("(1,)"))
    }
}
