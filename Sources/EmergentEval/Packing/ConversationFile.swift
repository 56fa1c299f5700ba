import Foundation

/// A JSONL file of training conversations, one per line; blank lines are ignored.
public struct ConversationFile: Sendable {
    /// The conversations, in file order.
    public var conversations: [TrainingConversation]

    /// Reads and parses `path`, stopping at the first malformed line.
    public init(path: String) throws(PackingError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .io(path: path, problem: "it cannot be read (\(error.localizedDescription))")
        }
        try self.init(data: data, path: path)
    }

    /// Parses JSONL `text`; `path` names the input in errors.
    public init(text: String, path: String = "input") throws(PackingError) {
        try self.init(data: Data(text.utf8), path: path)
    }

    /// Parses JSONL bytes; `path` names the input in errors.
    public init(data: Data, path: String = "input") throws(PackingError) {
        var conversations: [TrainingConversation] = []
        var lineNumber = 0
        let whitespace: Set<UInt8> = [0x20, 0x09, 0x0D]
        // Split on bytes: walking 100 MB as Swift Characters costs more than parsing it.
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ whitespace.contains($0) }) { continue }
            conversations.append(try TrainingConversation(jsonLine: Data(line), line: lineNumber))
        }
        if conversations.isEmpty { throw .emptyInput(path: path) }
        self.conversations = conversations
    }
}
