import EmergentCore
@testable import EmergentEval
import Foundation
import Testing

@Suite("Eval report")
struct EvalReportTests {
    @Test("the report compares runs side by side with a chart per environment, finish reasons and every trajectory")
    func reportPage() async throws {
        let environments = try ["db", "household"].map(EnvironmentCatalog.environment)
        var folders: [URL] = []
        for (name, policy, mode) in [("oracle", ScriptedAgents.Policy.oracle, ActionMode.text),
                                     ("half", .alternating, .functions)] {
            let folder = temporaryRunFolder("report-\(name)")
            let directory = try EvalRunDirectory(url: folder, manifest: makeManifest(name, mode: mode, agent: name))
            let plans = try environments.map { EvalRunner.Plan(environment: $0, tasks: Array(try $0.devTasks().prefix(4))) }
            try await EvalRunner(plans: plans, mode: mode, concurrency: 2)
                .run(agents: ScriptedAgents(environments, mode: mode, policy: policy), into: directory)
            folders.append(folder)
        }
        var runs: [LoadedEvalRun] = []
        for folder in folders {
            runs.append(try await LoadedEvalRun.load(folder, environments: environments))
        }
        let html = EvalReportPage.make(runs: runs).html()
        // One overview chart and one per environment.
        #expect(html.components(separatedBy: "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox").count - 1 == 3)
        #expect(html.contains("id=\"env-db\"") && html.contains("id=\"env-household\""))
        #expect(html.contains("Finish reasons") && html.contains("invalid_format"))
        // Every episode of both runs has a trajectory block, and the task table links to it.
        for (index, run) in runs.enumerated() {
            for record in run.records {
                let anchor = "t\(index)-\(record.result.environment)-\(EvalRunDirectory.safeFileName(record.result.taskID))-0"
                #expect(html.contains("id=\"\(anchor)\""), "\(anchor)")
                #expect(html.contains("href=\"#\(anchor)\""))
            }
        }
        #expect(html.contains("class=\"differs\""), "tasks where the runs differ are marked")
        #expect(html.contains("oracle") && html.contains("half"))
        #expect(html.contains("gpt-4 (AgentBench, published)"))
        #expect(!html.contains("<script"), "self-contained, no scripts needed")
        // Text is escaped.
        #expect(!html.contains("<think>"))
    }
}
