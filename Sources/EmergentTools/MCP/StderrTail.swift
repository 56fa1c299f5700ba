import Foundation
import Synchronization

/// The last few kilobytes a server wrote to stderr, kept so failures can say what the server said.
final class StderrTail: Sendable {
    private let text = Mutex<String>("")
    private let closed = Mutex(false)
    private let limit = 4_096

    /// True once the server's stderr reached end of file.
    var isClosed: Bool { closed.withLock { $0 } }

    func close() { closed.withLock { $0 = true } }

    func append(_ data: Data) {
        let chunk = String(decoding: data, as: UTF8.self)
        text.withLock { text in
            text += chunk
            if text.utf8.count > limit { text = String(text.suffix(limit / 2)) }
        }
    }

    /// The last lines, trimmed, or an empty string.
    var lastLines: String {
        let lines = text.withLock { $0 }.split(separator: "\n").suffix(8)
        return lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
