import CLlama
import Foundation
import Logging
import Synchronization

/// One-time process set-up of llama.cpp, and the bridge from its C log callback to swift-log.
///
/// llama.cpp logs through one global callback. We keep the recent warnings and errors in a small ring, so a
/// failed load can quote llama.cpp's own reason, and forward everything to the logger that the application
/// installs with `EngineLogging.bootstrap(_:)`.
enum LlamaRuntime {
    /// Touch this before any llama.cpp call.
    static let ready: Void = {
        llama_backend_init()
        llama_log_set(logCallback, nil)
    }()

    struct LogLine: Sendable {
        var sequence: Int
        var level: Logger.Level
        var text: String
    }

    private struct LogState {
        var lines: [LogLine] = []
        var sequence = 0
        var partial = ""
        var partialLevel: Logger.Level = .debug
        var logger: Logger?
    }

    private static let state = Mutex(LogState())

    static func install(logger: Logger?) {
        state.withLock { $0.logger = logger }
    }

    /// The sequence number the next log line will get; pass it to `problems(since:)` after a failure.
    static var logPosition: Int { state.withLock { $0.sequence } }

    /// Warnings and errors logged since `position`, oldest first.
    static func problems(since position: Int) -> [String] {
        state.withLock { state in
            state.lines.filter { $0.sequence >= position && $0.level >= .warning }.map(\.text)
        }
    }

    fileprivate static func receive(level: ggml_log_level, text: String) {
        let mapped: Logger.Level? =
            switch level {
            case GGML_LOG_LEVEL_ERROR: .error
            case GGML_LOG_LEVEL_WARN: .warning
            case GGML_LOG_LEVEL_INFO: .info
            case GGML_LOG_LEVEL_DEBUG: .debug
            default: nil  // GGML_LOG_LEVEL_CONT continues the previous line
            }
        let complete: [(Logger.Level, String)] = state.withLock { state in
            if let mapped { state.partialLevel = mapped }
            state.partial += text
            var finished: [(Logger.Level, String)] = []
            while let newline = state.partial.firstIndex(of: "\n") {
                let line = String(state.partial[..<newline])
                state.partial = String(state.partial[state.partial.index(after: newline)...])
                guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                state.lines.append(LogLine(sequence: state.sequence, level: state.partialLevel, text: line))
                state.sequence += 1
                if state.lines.count > 256 { state.lines.removeFirst(state.lines.count - 256) }
                finished.append((state.partialLevel, line))
            }
            return finished
        }
        guard let logger = state.withLock({ $0.logger }) else { return }
        for (level, line) in complete {
            logger.log(level: level, "\(line)", metadata: ["source": "llama.cpp"])
        }
    }
}

private func logCallback(level: ggml_log_level, text: UnsafePointer<CChar>?, userData: UnsafeMutableRawPointer?) {
    guard let text else { return }
    LlamaRuntime.receive(level: level, text: String(cString: text))
}

/// Routes llama.cpp's own log output into swift-log.
public enum EngineLogging {
    /// Sends llama.cpp's log lines to `logger` (with metadata `source=llama.cpp`); `nil` silences them.
    ///
    /// llama.cpp has a single process-wide log callback, so this is process-wide too.
    public static func bootstrap(_ logger: Logger?) {
        LlamaRuntime.ready
        LlamaRuntime.install(logger: logger)
    }
}
