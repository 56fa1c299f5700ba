import Foundation
import Testing

@Suite("emergent emergence", .enabled(if: EmergentBinary.path != nil, "the emergent binary is not built"))
struct EmergenceCommandTests {
    @Test("measure on the default model writes results; fit reads them and writes fit.json and report.html")
    func measureThenFit() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("emergence-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let model = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(
            ".emergent/models/gemma-3-270m-q4_k_m.gguf")
        let checkpoints = folder.appendingPathComponent("checkpoints.yaml")
        try """
            - id: q4_k_m
              path: \(model.path)
              parameters: 268000000
              label: Gemma 3 270M
            """.write(to: checkpoints, atomically: true, encoding: .utf8)
        let data = EmergentBinary.root.appendingPathComponent("data/emergence")
        // The first 2,000 characters of the shipped prose (repeated text would be predicted almost perfectly).
        let corpus = folder.appendingPathComponent("corpus.txt")
        let prose = try String(contentsOf: data.appendingPathComponent("corpus.txt"), encoding: .utf8)
        try String(prose.prefix(2000)).write(to: corpus, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("out")
        let measured = try EmergentBinary.run([
            "emergence", "measure", "--checkpoints", checkpoints.path, "--corpus", corpus.path, "--tasks",
            data.appendingPathComponent("knowledge.yaml").path + "," + data.appendingPathComponent("arithmetic_1digit.yaml").path,
            "--out", out.path, "--limit", "3", "--context", "128",
        ])
        #expect(measured.status == 0, "\(measured.stderr)")
        let results = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("results.json")))
                as? [String: Any])
        let rows = results["rows"] as? [[String: Any]] ?? []
        #expect(Set(rows.compactMap { $0["metric"] as? String }).isSuperset(of: ["acc", "brier", "exact_match", "edit_similarity"]))
        let loss = ((results["checkpoints"] as? [[String: Any]])?.first?["loss"] as? Double) ?? 0
        #expect(loss > 2 && loss < 6, "loss \(loss)")

        // A second run reads everything from the cache.
        let again = try EmergentBinary.run([
            "emergence", "measure", "--checkpoints", checkpoints.path, "--corpus", corpus.path, "--tasks",
            data.appendingPathComponent("knowledge.yaml").path + "," + data.appendingPathComponent("arithmetic_1digit.yaml").path,
            "--out", out.path, "--limit", "3", "--context", "128",
        ])
        #expect(again.stderr.contains("0 measured"), "\(again.stderr)")

        let fitted = try EmergentBinary.run([
            "emergence", "fit", out.appendingPathComponent("results.json").path, "--out", out.path, "--bootstrap", "50",
        ])
        #expect(fitted.status == 0, "\(fitted.stderr)")
        // One checkpoint cannot decide anything: every task says so, and the report is still written.
        #expect(fitted.stdout.contains("too few points"), "\(fitted.stdout)")
        let page = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(page.contains("<svg") && page.contains("knowledge"))

        let missing = try EmergentBinary.run(["emergence", "fit", folder.appendingPathComponent("none.json").path])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("none.json"))
    }
}
