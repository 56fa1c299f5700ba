import EmergentCore
import EmergentModels

/// What one model call produced, assembled from its streamed events.
struct ModelStep: Sendable {
    var text = ""
    var reasoning = ""
    var calls: [PendingCall] = []
    var malformed: [String] = []
    var finish: FinishReason?
    var usage = Usage()
    var firstEventSeconds: Double?

    /// A tool call as streamed: its arguments arrive as text fragments.
    struct PendingCall: Sendable {
        var index: Int
        var id: String
        var name: String
        var argumentText = ""
    }

    /// Folds one event in; returns the visible text and reasoning it added (for live events).
    mutating func absorb(_ event: ModelEvent) -> (text: String, reasoning: String) {
        switch event {
        case .content(let piece):
            text += piece
            return (piece, "")
        case .reasoning(let piece):
            reasoning += piece
            return ("", piece)
        case .toolCallStart(let index, let id, let name):
            calls.append(PendingCall(index: index, id: id, name: name))
        case .toolCallArguments(let index, let fragment):
            if let position = calls.lastIndex(where: { $0.index == index }) {
                calls[position].argumentText += fragment
            }
        case .malformed(let text, let reason):
            malformed.append("\(reason): \(text)")
        case .logprobs:
            break
        case .finished(let reason, let usage):
            finish = reason
            self.usage = usage
        }
        return ("", "")
    }
}
