import Foundation
import Testing

@Suite("emergent pack", .enabled(if: EmergentBinary.path != nil, "the emergent binary is not built"))
struct PackCommandTests {
    @Test("pack --synthetic --json reports all three methods and writes index.json")
    func syntheticJSON() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("emergent-pack-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try EmergentBinary.run(["pack", "--synthetic", "40", "--out", out.path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let plans = try #require(report["plans"] as? [[String: Any]])
        #expect(plans.compactMap { $0["method"] as? String } == ["naive", "sort", "pack"])
        #expect(report["sequences"] as? Int == 40)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("index.json").path))
    }

    @Test("a malformed line is reported with its number")
    func malformedLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "emergent-pack-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("bad.jsonl")
        try Data("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}\n{oops\n".utf8).write(to: input)
        let result = try EmergentBinary.run([
            "pack", "--input", input.path, "--out", directory.appendingPathComponent("out").path,
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("Line 2"))
    }
}
