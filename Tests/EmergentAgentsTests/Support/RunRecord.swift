import EmergentAgents
import EmergentCore
import EmergentTools
import Foundation

/// Every event of a run, with helpers to read them.
struct RunRecord {
    var events: [AgentEvent] = []

    static func of(_ agent: Agent, _ input: String, in conversation: Conversation) async -> RunRecord {
        var record = RunRecord()
        for await event in agent.run(input, in: conversation) { record.events.append(event) }
        return record
    }

    var names: [String] { events.map(\.name) }
    var trajectory: Trajectory? {
        for event in events.reversed() {
            switch event {
            case .runCompleted(let trajectory), .runFailed(let trajectory): return trajectory
            default: continue
            }
        }
        return nil
    }
    var streamedAnswer: String {
        events.reduce(into: "") { text, event in if case .messageDelta(_, let piece) = event { text += piece } }
    }
    var outputs: [(name: String, text: String, isError: Bool)] {
        events.compactMap { event in
            if case .toolOutput(_, _, let name, let output, _) = event { return (name, output.text, output.isError) }
            return nil
        }
    }
}

func temporaryFolder() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("emergent-agent-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
