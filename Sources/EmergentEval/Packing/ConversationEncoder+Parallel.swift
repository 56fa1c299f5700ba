import Foundation

/// What became of the conversations of one input once tokenized.
public struct EncodedConversations: Sendable {
    /// The trainable sequences, in input order.
    public var sequences: [TokenizedSequence]
    /// Conversations without an assistant turn (nothing to learn from).
    public var skippedWithoutTargets: Int
    /// Conversations the chat format could not split into turns.
    public var skippedUnsplittable: Int
}

extension ConversationEncoder {
    /// Tokenizes `conversations` across all cores, keeping their order.
    ///
    /// Conversations are split into chunks, each tokenized by one task of a task group; chunks are small (a few
    /// per core) so no task holds a thread for long and progress moves steadily.
    /// - Parameter progress: called after each chunk with (conversations done, total), from one task at a time.
    public func encodeAll(
        _ conversations: [TrainingConversation],
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> EncodedConversations {
        let total = conversations.count
        let chunkCount = min(total, max(1, ProcessInfo.processInfo.activeProcessorCount * 8))
        let chunkSize = max(1, (total + chunkCount - 1) / chunkCount)
        var results = [TokenizedSequence?](repeating: nil, count: total)
        var unsplittable = 0
        try await withThrowingTaskGroup(of: (Int, [TokenizedSequence?], Int).self) { group in
            for start in stride(from: 0, to: total, by: chunkSize) {
                let end = min(total, start + chunkSize)
                group.addTask {
                    var encoded: [TokenizedSequence?] = []
                    encoded.reserveCapacity(end - start)
                    var failures = 0
                    for index in start..<end {
                        try Task.checkCancellation()
                        do {
                            encoded.append(try encode(conversations[index], index: index + 1))
                        } catch PackingError.templateNotPrefixStable {
                            encoded.append(nil)
                            failures += 1
                        }
                    }
                    return (start, encoded, failures)
                }
            }
            var done = 0
            for try await (start, encoded, failures) in group {
                results.replaceSubrange(start..<start + encoded.count, with: encoded)
                unsplittable += failures
                done += encoded.count
                progress?(done, total)
            }
        }
        let sequences = results.compactMap { $0 }
        let withoutTargets = conversations.count { !$0.hasTargets }
        return EncodedConversations(
            sequences: sequences, skippedWithoutTargets: withoutTargets, skippedUnsplittable: unsplittable)
    }
}
