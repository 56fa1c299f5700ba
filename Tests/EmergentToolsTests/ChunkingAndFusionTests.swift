import EmergentTools
import Foundation
import Testing

@Suite("Chunking and rank fusion")
struct ChunkingAndFusionTests {
    @Test("chunks follow headings, stay near the target length and overlap")
    func chunking() throws {
        let sentence = "Sentence number %d talks about the harbour and its cranes. "
        let paragraph = (1...40).map { String(format: sentence, $0) }.joined()
        let text = "# First\n\nShort intro.\n\n# Second\n\n\(paragraph)\n\nClosing paragraph."
        let chunks = TextChunker(targetLength: 400, overlap: 100).chunks(of: text)
        #expect(chunks.first?.heading == "First")
        #expect(chunks.first?.text == "Short intro.")
        let second = chunks.dropFirst()
        #expect(second.allSatisfy { $0.heading == "Second" })
        #expect(second.count >= 6)
        #expect(second.allSatisfy { $0.text.count <= 400 + 100 + 2 })
        #expect(chunks.map(\.ordinal) == Array(0..<chunks.count))
        // Every sentence survives whole in some chunk.
        for number in 1...40 {
            let whole = String(format: sentence, number).trimmingCharacters(in: .whitespaces)
            #expect(chunks.contains { $0.text.contains(whole) }, "sentence \(number) was cut")
        }
        // Consecutive chunks share text.
        let pieces = Array(second)
        try #require(pieces.count > 2)
        for index in 1..<pieces.count - 1 {
            let tail = String(pieces[index - 1].text.suffix(30))
            #expect(pieces[index].text.contains(tail))
        }
    }

    @Test("reciprocal rank fusion sums 1/(60+rank) and rewards agreement")
    func fusion() {
        let fused = RankFusion.fuse([["a", "b", "c"], ["c", "b", "d"]])
        #expect(fused.map(\.id) == ["b", "c", "a", "d"] || fused.map(\.id) == ["c", "b", "a", "d"])
        let b = fused.first { $0.id == "b" }?.score ?? 0
        #expect(abs(b - (1.0 / 62 + 1.0 / 62)) < 1e-12)
        let a = fused.first { $0.id == "a" }?.score ?? 0
        #expect(abs(a - 1.0 / 61) < 1e-12)
    }
}
