import Foundation
import EmergentCore

/// Makes a stored conversation safe to continue after a run that did not finish (a crash, a kill, a failure):
/// every tool call gets a result, and user turns never follow each other (many chat templates refuse that).
enum ConversationRepair {
    static func repaired(_ messages: [ChatMessage]) -> [ChatMessage] {
        var result: [ChatMessage] = []
        var index = 0
        while index < messages.count {
            let message = messages[index]
            if message.role == .user, result.last?.role == .user {
                result.append(.assistant("(The previous run was interrupted before it answered.)"))
            }
            result.append(message)
            index += 1
            guard message.role == .assistant, !message.toolCalls.isEmpty else { continue }
            var answered: Set<String> = []
            while index < messages.count, messages[index].role == .tool {
                if let id = messages[index].toolCallID { answered.insert(id) }
                result.append(messages[index])
                index += 1
            }
            for call in message.toolCalls where !answered.contains(call.id) {
                result.append(.tool("(No result: the run was interrupted.)", callID: call.id, name: call.name))
            }
        }
        return result
    }
}
