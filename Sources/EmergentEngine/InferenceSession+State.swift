import CLlama
import Foundation

extension InferenceSession {
    /// Writes the session's KV cache and its token list to `url`, so a later session can resume without
    /// evaluating the conversation again. Returns the bytes written.
    @discardableResult
    public func saveState(to url: URL) throws -> Int {
        let path = url.path
        let written = cachedTokens.withUnsafeBufferPointer { tokens in
            llama_state_seq_save_file(context.pointer, path, 0, tokens.baseAddress, tokens.count)
        }
        guard written > 0 else {
            throw EngineError.sessionStateFailed(path: path, detail: "llama.cpp could not write the state")
        }
        return written
    }

    /// Replaces the session's cache with the state saved at `url`. Returns the number of tokens restored.
    @discardableResult
    public func restoreState(from url: URL) throws -> Int {
        let path = url.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw EngineError.sessionStateFailed(path: path, detail: "the file does not exist")
        }
        reset()
        var tokens = [Token](repeating: 0, count: contextLength)
        var count = 0
        let read = tokens.withUnsafeMutableBufferPointer { buffer in
            llama_state_seq_load_file(context.pointer, path, 0, buffer.baseAddress, buffer.count, &count)
        }
        guard read > 0, count <= contextLength else {
            reset()
            throw EngineError.sessionStateFailed(
                path: path, detail: "the file is corrupt, or was saved from another model or a larger context")
        }
        cachedTokens = Array(tokens[0..<count])
        return count
    }
}
