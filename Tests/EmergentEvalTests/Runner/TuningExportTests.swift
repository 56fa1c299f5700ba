import EmergentCore
@testable import EmergentEval
import Foundation
import Testing

@Suite("Agent-tuning data")
struct TuningExportTests {
    /// Runs the oracle and the alternating agent on a few DB tasks in `mode`, returning the run folder.
    private func collectedRun(mode: ActionMode, repeats: Int = 1) async throws -> URL {
        let environment = try EnvironmentCatalog.environment("db")
        let tasks = Array(try environment.devTasks().prefix(6))
        let folder = temporaryRunFolder("collect-\(mode.rawValue)")
        let directory = try EvalRunDirectory(url: folder, manifest: makeManifest("collect", mode: mode))
        try await EvalRunner(plans: [EvalRunner.Plan(environment: environment, tasks: tasks)], mode: mode,
                             repeats: repeats, concurrency: 3)
            .run(agents: ScriptedAgents([environment], mode: mode, policy: .alternating), into: directory)
        return folder
    }

    @Test("the keep rule keeps completed episodes at or above the threshold, per environment")
    func keepRule() throws {
        let pass = EpisodeResult(taskID: "a", environment: "kg", finish: .completed, reward: 0.7, rounds: 3)
        #expect(!KeepRule().keeps(pass))
        let (environment, value) = try KeepRule.parseOverride("kg=2/3")
        let partial = KeepRule(threshold: 1, perEnvironment: [environment: value])
        #expect(partial.keeps(pass))
        var limited = pass
        limited.finish = .taskLimit
        #expect(!partial.keeps(limited), "an episode the limit ended is not kept, whatever its reward")
        #expect(throws: EnvironmentError.self) { try KeepRule.parseOverride("kg") }
        #expect(throws: EnvironmentError.self) { try KeepRule.parseOverride("kg=1.5") }
    }

    @Test("collection keeps the successful half and reports kept/total, turns and tokens")
    func collectionReport() async throws {
        let folder = try await collectedRun(mode: .text, repeats: 2)
        let directory = try EvalRunDirectory(existing: folder)
        let (report, kept) = CollectionReport.make(records: await directory.allRecords(), rule: KeepRule())
        let line = try #require(report.lines.first)
        #expect(line.episodes == 12)
        #expect(line.kept == kept.count)
        #expect(line.kept == 6, "the alternating agent solves the 3 even tasks, twice each")
        #expect(line.keptTurns == kept.reduce(0) { $0 + $1.turns })
        #expect(line.keptTokens > 0)
        #expect(report.table().contains("AgentInstruct kept 1,866 of 35,341 (5.28%)"))
        // The HTML report shows the collection when the run has one.
        try JSONEncoder().encode(report).write(to: folder.appendingPathComponent("collection.json"))
        let loaded = try await LoadedEvalRun.load(folder, environments: [try EnvironmentCatalog.environment("db")])
        #expect(loaded.collection == report)
        let html = EvalReportPage.make(runs: [loaded]).html()
        #expect(html.contains("Collected for tuning") && html.contains("5.28%"))
    }

    @Test("ShareGPT export keeps thoughts, turns observations into human turns and marks the opening loss-free")
    func shareGPT() async throws {
        let folder = try await collectedRun(mode: .text)
        let (lines, episodes) = try await TrajectoryExport(format: .sharegpt).lines(from: [folder])
        #expect(episodes == 6)
        #expect(lines.count == 3)
        let example = try JSONValue(parsing: try #require(lines.first))
        let turns = try #require(example["conversations"]?.arrayValue)
        let froms = turns.compactMap { $0["from"]?.stringValue }
        #expect(Set(froms).isSubset(of: ["human", "gpt"]))
        #expect(froms.first == "human")
        for (index, from) in froms.enumerated() where index > 0 {
            #expect(from != froms[index - 1], "turns alternate")
        }
        let trained = turns.filter { $0["loss"] == .bool(true) }
        #expect(!trained.isEmpty)
        #expect(trained.allSatisfy { $0["from"] == "gpt" })
        #expect(turns.contains { $0["from"] == "gpt" && $0["loss"] == .bool(false) }, "the worked example is not trained on")
        #expect(trained.contains { ($0["value"]?.stringValue ?? "").contains("Action:") })
        // The same runs give the same file.
        let again = try await TrajectoryExport(format: .sharegpt).lines(from: [folder])
        #expect(again.lines == lines)
    }

    @Test("OpenAI export of function-calling runs has tool_calls answered by tool messages, and the tools")
    func openAIFunctions() async throws {
        let folder = try await collectedRun(mode: .functions)
        let (lines, _) = try await TrajectoryExport(format: .openai).lines(from: [folder])
        #expect(lines.count == 3)
        for line in lines {
            let example = try JSONValue(parsing: line)
            #expect(example["tools"]?.arrayValue?.isEmpty == false)
            let messages = try #require(example["messages"]?.arrayValue)
            var pending: [String] = []
            for message in messages {
                if let calls = message["tool_calls"]?.arrayValue {
                    #expect(pending.isEmpty)
                    pending = calls.compactMap { $0["id"]?.stringValue }
                    for call in calls {
                        let arguments = try #require(call["function"]?["arguments"]?.stringValue)
                        #expect((try? JSONValue(parsing: arguments)) != nil, "arguments are a JSON string")
                    }
                } else if message["role"] == "tool" {
                    let id = try #require(message["tool_call_id"]?.stringValue)
                    #expect(pending.first == id)
                    pending.removeFirst()
                }
            }
            #expect(messages.contains { $0["role"] == "tool" })
        }
    }

    @Test("OpenAI export of text runs makes observations user turns")
    func openAIText() async throws {
        let folder = try await collectedRun(mode: .text)
        let (lines, _) = try await TrajectoryExport(format: .openai).lines(from: [folder])
        let example = try JSONValue(parsing: try #require(lines.first))
        let roles = try #require(example["messages"]?.arrayValue).compactMap { $0["role"]?.stringValue }
        #expect(!roles.contains("tool"))
        #expect(roles.last == "assistant")
        #expect(example["tools"] == nil)
    }

    @Test("export then mix is deterministic for a seed")
    func pipelineDeterministic() async throws {
        let folder = try await collectedRun(mode: .text, repeats: 2)
        let general = (0..<40).map { #"{"messages":[{"role":"user","content":"q\#($0)"},{"role":"assistant","content":"a"}]}"# }
        var outputs: [[String]] = []
        for _ in 0..<2 {
            let (agent, _) = try await TrajectoryExport(format: .openai).lines(from: [folder])
            outputs.append(try TuningMix(eta: 0.2, size: 15, seed: 11).mix(agent: agent, general: general).lines)
        }
        #expect(outputs[0] == outputs[1])
        #expect(outputs[0].filter { $0.contains("\"tool") || $0.contains("Action") }.count == 3)
    }
}
