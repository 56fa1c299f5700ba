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
    /// Conversations are split into chunks (a few per core). A task group keeps one chunk per core in flight, and
    /// each chunk runs on its own thread: tokenizing a chunk takes seconds of llama.cpp compute, which must not
    /// hold a thread of Swift's cooperative pool.
    /// - Parameter progress: called after each chunk with (conversations done, total), from one task at a time.
    public func encodeAll(
        _ conversations: [TrainingConversation],
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> EncodedConversations {
        let total = conversations.count
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let chunkCount = min(total, cores * 8)
        let chunkSize = max(1, (total + chunkCount - 1) / max(1, chunkCount))
        var starts = Array(stride(from: 0, to: total, by: chunkSize)).makeIterator()
        var results = [TokenizedSequence?](repeating: nil, count: total)
        var unsplittable = 0
        try await withThrowingTaskGroup(of: (Int, [TokenizedSequence?], Int).self) { group in
            func addChunk() -> Bool {
                guard let start = starts.next() else { return false }
                let end = min(total, start + chunkSize)
                group.addTask {
                    try Task.checkCancellation()
                    let outcome = await Self.onOwnThread { () -> Result<(Int, [TokenizedSequence?], Int), any Error> in
                        var encoded: [TokenizedSequence?] = []
                        encoded.reserveCapacity(end - start)
                        var failures = 0
                        for index in start..<end {
                            do {
                                encoded.append(try encode(conversations[index], index: index + 1))
                            } catch PackingError.templateNotPrefixStable {
                                encoded.append(nil)
                                failures += 1
                            } catch {
                                return .failure(error)
                            }
                        }
                        return .success((start, encoded, failures))
                    }
                    return try outcome.get()
                }
                return true
            }
            for _ in 0..<cores where !addChunk() { break }
            var done = 0
            for try await (start, encoded, failures) in group {
                results.replaceSubrange(start..<start + encoded.count, with: encoded)
                unsplittable += failures
                done += encoded.count
                progress?(done, total)
                _ = addChunk()
            }
        }
        let sequences = results.compactMap { $0 }
        let withoutTargets = conversations.count { !$0.hasTargets }
        return EncodedConversations(
            sequences: sequences, skippedWithoutTargets: withoutTargets, skippedUnsplittable: unsplittable)
    }

    /// Runs blocking `work` on a fresh thread and waits for it without holding a cooperative thread.
    private static func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: work()) }
            thread.name = "emergent.pack.tokenize"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}
