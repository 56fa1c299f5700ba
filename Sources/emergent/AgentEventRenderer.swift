import EmergentAgents
import EmergentCore
import EmergentTools
import Foundation

/// Draws a run's events in the terminal as they happen: the code being run, tool results, search hits, artifact
/// paths, the streamed answer, its sources and a usage line.
struct AgentEventRenderer {
    /// Colours only when stdout is a terminal.
    let styled = isatty(STDOUT_FILENO) != 0
    /// Lines of a tool's output shown before the rest is summarised.
    var outputLines = 14
    private var answerOpen = false

    mutating func render(_ event: AgentEvent) {
        switch event {
        case .runStarted(let start):
            line(dim("● \(start.agent) · tools: \(start.tools.joined(separator: ", "))"))
        case .modelDelta(_, _, let reasoning):
            if !reasoning.isEmpty { write(dim(reasoning)) }
        case .messageDelta(_, let text):
            answerOpen = true
            write(text)
        case .toolCall(_, let call):
            closeAnswer()
            line(bold("▸ \(call.name)") + " " + dim(Self.summary(of: call)))
            if let code = call.arguments["code"]?.stringValue {
                for codeLine in code.split(separator: "\n", omittingEmptySubsequences: false) {
                    line(dim("  │ ") + String(codeLine))
                }
            }
        case .toolOutput(_, _, let name, let output, let seconds):
            closeAnswer()
            let mark = output.isError ? red("✗") : green("✓")
            line("  \(mark) \(name) " + dim(String(format: "%.2f s", seconds)))
            let lines = output.text.split(separator: "\n", omittingEmptySubsequences: false)
            for outputLine in lines.prefix(outputLines) { line(dim("  │ ") + String(outputLine)) }
            if lines.count > outputLines { line(dim("  │ … \(lines.count - outputLines) more lines")) }
            for artifact in output.artifacts { line("  " + cyan("⧉ \(artifact.name)") + dim(" → \(artifact.path)")) }
        case .stepCompleted:
            break
        case .runCompleted(let trajectory):
            closeAnswer()
            footer(trajectory)
        case .runFailed(let trajectory):
            closeAnswer()
            line(red("✗ run failed: ") + (trajectory.error ?? "unknown error"))
            footer(trajectory)
        }
    }

    private mutating func closeAnswer() {
        if answerOpen { write("\n") }
        answerOpen = false
    }

    private func footer(_ trajectory: Trajectory) {
        if !trajectory.citations.isEmpty {
            line("\n" + bold("Sources"))
            for citation in trajectory.citations { line("  [\(citation.id)] \(citation.title) — \(citation.url)") }
        }
        if !trajectory.artifacts.isEmpty {
            let folder = URL(fileURLWithPath: trajectory.artifacts[0].path).deletingLastPathComponent().path
            line("\n" + bold("Artifacts") + dim(" (saved in \(folder))"))
            for artifact in trajectory.artifacts {
                line("  \(artifact.name)  " + dim("\(artifact.mimeType), \(Self.bytes(artifact.byteCount))"))
            }
        }
        let modelCalls = trajectory.steps.filter { $0.kind == .model }.count
        var summary = String(
            format: "%.1f s · %d model calls · %d tool rounds · %d prompt tokens (%d reused) · %d generated",
            trajectory.durationSeconds, modelCalls, trajectory.toolRounds, trajectory.usage.promptTokens,
            trajectory.usage.reusedPromptTokens, trajectory.usage.completionTokens)
        if let limit = trajectory.limitHit { summary += " · stopped at \(limit.rawValue)" }
        line("\n" + dim(summary))
    }

    /// A one-line view of a call's arguments (Python code is shown on its own lines instead).
    static func summary(of call: ToolCall) -> String {
        guard case .object(let object) = call.arguments else { return call.arguments.compactJSON }
        let shown = JSONObject(object.filter { $0.key != "code" })
        if shown.isEmpty { return "" }
        let text = JSONValue.object(shown).compactJSON
        return text.count > 160 ? String(text.prefix(157)) + "…" : text
    }

    static func bytes(_ count: Int) -> String {
        count < 1024 ? "\(count) B" : count < 1 << 20 ? String(format: "%.1f KB", Double(count) / 1024)
            : String(format: "%.1f MB", Double(count) / 1_048_576)
    }

    private func write(_ text: String) { Terminal.output(text) }
    private func line(_ text: String) { Terminal.output(text + "\n") }
    private func dim(_ text: String) -> String { styled ? "\u{1B}[2m\(text)\u{1B}[0m" : text }
    private func bold(_ text: String) -> String { styled ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    private func red(_ text: String) -> String { styled ? "\u{1B}[31m\(text)\u{1B}[0m" : text }
    private func green(_ text: String) -> String { styled ? "\u{1B}[32m\(text)\u{1B}[0m" : text }
    private func cyan(_ text: String) -> String { styled ? "\u{1B}[36m\(text)\u{1B}[0m" : text }
}
