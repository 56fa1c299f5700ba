import EmergentAgents
import EmergentCore
import EmergentStore
import EmergentTools
import Foundation

/// One event of a run as the platform sends it: its SSE name and JSON data (see the API reference).
public struct RunEvent: Sendable, Hashable {
    public var name: String
    public var data: JSONValue

    public init(name: String, data: JSONValue) {
        self.name = name
        self.data = data
    }

    /// Whether this event ends the run's stream.
    public var isFinal: Bool { name == "run.completed" || name == "run.failed" }

    /// A tool output with its artifacts as stored files.
    static func toolOutput(
        step: Int, callID: String, name: String, output: ToolOutput, seconds: Double, artifacts: [StoredArtifact]
    ) -> RunEvent {
        RunEvent(
            name: "tool.output",
            data: [
                "step": .int(step), "call_id": .string(callID), "name": .string(name), "duration_seconds": .double(seconds),
                "output": [
                    "text": .string(output.text), "is_error": .bool(output.isError),
                    "artifacts": .array(artifacts.map(PlatformJSON.artifact)),
                    "citations": .array(output.citations.map(PlatformJSON.citation)),
                ],
            ])
    }

    static func call(step: Int, _ call: ToolCall) -> RunEvent {
        RunEvent(
            name: "tool.call",
            data: ["step": .int(step), "call": ["id": .string(call.id), "name": .string(call.name), "arguments": call.arguments]])
    }
}

/// A run's events so far and its live listeners: a late listener (a reconnect, a second tab) first gets everything
/// that happened, then follows along.
actor RunBroadcast {
    private var events: [RunEvent] = []
    private var listeners: [UUID: AsyncStream<RunEvent>.Continuation] = [:]
    private var finished = false

    func publish(_ event: RunEvent) {
        events.append(event)
        for listener in listeners.values { listener.yield(event) }
    }

    /// Ends every listener's stream.
    func finish() {
        finished = true
        for listener in listeners.values { listener.finish() }
        listeners = [:]
    }

    /// Every event so far, then the live ones, ending when the run ends.
    func subscribe() -> AsyncStream<RunEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: RunEvent.self)
        for event in events { continuation.yield(event) }
        if finished {
            continuation.finish()
            return stream
        }
        let id = UUID()
        listeners[id] = continuation
        continuation.onTermination = { [weak self] _ in
            Task { await self?.drop(id) }
        }
        return stream
    }

    private func drop(_ id: UUID) { listeners[id] = nil }
}
