import Foundation
import Testing

@Suite("emergent eval and data", .enabled(if: EmergentBinary.path != nil, "the emergent binary is not built"))
struct EvalCommandTests {
    private let valid: Set<String> = ["completed", "context_limit", "invalid_format", "invalid_action", "task_limit"]

    @Test("smoke run of every environment on the real default model: valid finish reasons, resumable, reported, exported")
    func realModelSmokeRun() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eval-cli-\(UUID().uuidString)")
        let out = folder.appendingPathComponent("run")
        let arguments = ["eval", "run", "--env", "os,db,kg,household,webshop", "--limit", "1", "--max-reply-tokens", "96",
                         "--out", out.path]
        let run = try EmergentBinary.run(arguments)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = try String(contentsOf: out.appendingPathComponent("results.jsonl"), encoding: .utf8)
            .split(separator: "\n")
        #expect(lines.count == 5)
        var completed = 0
        for line in lines {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let result = try #require(record["result"] as? [String: Any])
            let finish = try #require(result["finish"] as? String)
            #expect(valid.contains(finish), "\(result["environment"] ?? "?"): \(finish) \(record["error"] ?? "")")
            if finish == "completed", (result["reward"] as? Double ?? 0) >= 1 { completed += 1 }
            let trajectory = out.appendingPathComponent(try #require(record["trajectory"] as? String))
            #expect(FileManager.default.fileExists(atPath: trajectory.path))
        }
        // Scores and finish reasons for every environment, and the OA.
        #expect(run.stdout.contains("overall (AgentBench OA"), "\(run.stdout)")
        for name in ["os", "db", "kg", "household", "webshop"] { #expect(run.stdout.contains(name)) }
        print("real-model smoke run:\n\(run.stdout)")

        // Running again skips everything.
        let again = try EmergentBinary.run(arguments)
        #expect(again.status == 0)
        #expect(again.stderr.contains("5 episodes already finished"), "\(again.stderr)")

        let report = try EmergentBinary.run(["eval", "report", out.path])
        #expect(report.status == 0, "\(report.stderr)")
        let page = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(page.contains("<svg") && page.contains("Finish reasons"))

        let exported = folder.appendingPathComponent("agent.jsonl")
        let export = try EmergentBinary.run(["data", "export", out.path, "--format", "sharegpt", "--out", exported.path])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stderr.contains("Wrote \(completed) examples (of 5 episodes)"), "\(export.stderr)")
    }

    @Test("data mix writes η·N agent examples; bad input names the file and line")
    func dataMix() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mix-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let agent = folder.appendingPathComponent("agent.jsonl")
        let general = folder.appendingPathComponent("general.jsonl")
        try (0..<30).map { #"{"messages":[{"role":"user","content":"agent \#($0)"}]}"# }.joined(separator: "\n")
            .write(to: agent, atomically: true, encoding: .utf8)
        try (0..<100).map { #"{"messages":[{"role":"user","content":"general \#($0)"}]}"# }.joined(separator: "\n")
            .write(to: general, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("mix.jsonl")
        let mix = try EmergentBinary.run(["data", "mix", "--agent", agent.path, "--general", general.path, "--eta", "0.2",
                                          "--size", "50", "--seed", "3", "--out", out.path])
        #expect(mix.status == 0, "\(mix.stderr)")
        let lines = try String(contentsOf: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 50)
        #expect(lines.filter { $0.contains("agent ") }.count == 10)

        try "{\"messages\":[]}\nnot json\n".write(to: agent, atomically: true, encoding: .utf8)
        let bad = try EmergentBinary.run(["data", "mix", "--agent", agent.path, "--general", general.path, "--size", "5",
                                          "--out", out.path])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("agent.jsonl:2"), "\(bad.stderr)")
    }

    @Test("an unknown environment and a task file for no environment get errors that say what to do")
    func badArguments() throws {
        let unknown = try EmergentBinary.run(["eval", "run", "--env", "chess", "--out", "/tmp/never"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("chess") && unknown.stderr.contains("household"), "\(unknown.stderr)")
        let ambiguous = try EmergentBinary.run(["eval", "run", "--env", "db,os", "--tasks", "x.jsonl", "--out", "/tmp/never"])
        #expect(ambiguous.status != 0)
        #expect(ambiguous.stderr.contains("ENV=FILE"), "\(ambiguous.stderr)")
        let tasks = try EmergentBinary.run(["eval", "tasks", "--env", "db", "--tasks",
                                            EmergentBinary.root.appendingPathComponent("../shared/data/agentbench-v0.2/dbbench/dev.jsonl").path])
        if FileManager.default.fileExists(atPath: EmergentBinary.root.appendingPathComponent("../shared/data").path) {
            #expect(tasks.status == 0, "\(tasks.stderr)")
            #expect(tasks.stderr.contains("60 db tasks"))
        }
    }
}
