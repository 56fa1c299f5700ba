import EmergentCore
@testable import EmergentEval
import EmergentModels
import Foundation
import Synchronization

/// A scripted agent that knows each task's solution (or answers with `wrong` where a task's number is odd, when
/// asked to), counting the episodes it was asked for.
final class ScriptedAgents: EvalAgentProvider {
    enum Policy: Sendable {
        case oracle
        /// The solution for even-numbered tasks, nonsense (no action) for odd ones.
        case alternating
        /// Replies that follow no action format.
        case nonsense
        /// The same replies for every task.
        case fixed([ScriptedModel.Reply])
    }

    let environments: [String: any Environment]
    let mode: ActionMode
    let policy: Policy
    private let count = Mutex(0)

    init(_ environments: [any Environment], mode: ActionMode, policy: Policy = .oracle) {
        self.environments = Dictionary(uniqueKeysWithValues: environments.map { ($0.name, $0) })
        self.mode = mode
        self.policy = policy
    }

    var episodesStarted: Int { count.withLock { $0 } }

    func agent(for task: EvalTask, attempt: Int) async throws -> EvalAgent {
        count.withLock { $0 += 1 }
        let replies: [ScriptedModel.Reply]
        switch policy {
        case .oracle:
            replies = try solution(task)
        case .alternating:
            let number = Int(task.id.filter(\.isNumber)) ?? 0
            replies = number % 2 == 0 ? try solution(task) : [.text("I am not sure what to do here.")]
        case .nonsense:
            replies = [.text("I am not sure what to do here.")]
        case .fixed(let fixed):
            replies = fixed
        }
        return EvalAgent(label: "scripted", model: ScriptedModel(replies))
    }

    private func solution(_ task: EvalTask) throws -> [ScriptedModel.Reply] {
        guard let environment = environments[task.environment] else { return [] }
        switch mode {
        case .text:
            return try environment.solution(for: task).map { ScriptedModel.Reply.text($0) }
        case .functions:
            return try environment.solutionCalls(for: task).map { .toolCall($0.name, $0.arguments.compactJSON) }
        }
    }
}

/// A fresh temporary run directory.
func temporaryRunFolder(_ label: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("eval-\(label)-\(UUID().uuidString)")
}

func makeManifest(_ name: String, mode: ActionMode = .text, agent: String = "scripted") -> EvalRunManifest {
    EvalRunManifest(name: name, agent: agent, mode: mode, repeats: 1, temperature: 0, sources: [])
}
