import EmergentEval
import Foundation

/// One progress bar per environment on stderr, redrawn in place on a terminal; elsewhere (logs, CI) one line
/// per finished episode.
actor EvalProgressBars: EvalProgress {
    private struct Line {
        var name: String
        var total: Int
        var done: Int
        var passed = 0
        var rewardSum = 0.0
    }

    private var lines: [Line] = []
    private var drawn = 0
    private let interactive = isatty(STDERR_FILENO) != 0
    private let started = ContinuousClock.now

    func planned(_ environments: [(name: String, total: Int, done: Int)]) {
        lines = environments.map { Line(name: $0.name, total: $0.total, done: $0.done) }
        let resumed = environments.reduce(0) { $0 + $1.done }
        if resumed > 0 { Terminal.error("Resuming: \(resumed) episodes already finished are skipped.") }
        draw()
    }

    func finished(_ record: EvalRecord) {
        guard let index = lines.firstIndex(where: { $0.name == record.result.environment }) else { return }
        lines[index].done += 1
        lines[index].rewardSum += record.result.reward
        if record.result.reward >= 1 { lines[index].passed += 1 }
        if interactive {
            draw()
        } else {
            let line = lines[index]
            Terminal.error(String(format: "[%@ %d/%d] %@ #%d: %@, reward %.2f, %d turns, %.1f s", line.name, line.done,
                                  line.total, record.result.taskID, record.result.attempt,
                                  record.result.finish.rawValue, record.result.reward, record.turns,
                                  Double(record.milliseconds) / 1000))
        }
    }

    func close() {
        if interactive { draw() }
        let seconds = Double((ContinuousClock.now - started).components.seconds)
        Terminal.error(String(format: "Finished in %.0f s.", seconds))
    }

    private func draw() {
        guard interactive else { return }
        var text = drawn > 0 ? "\u{1B}[\(drawn)A" : ""
        for line in lines {
            let width = 28
            let filled = line.total == 0 ? width : min(width, line.done * width / line.total)
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            let name = line.name.padding(toLength: 10, withPad: " ", startingAt: 0)
            text += "\r\u{1B}[2K\(name) \(bar) \(line.done)/\(line.total)  success \(line.passed)\n"
        }
        drawn = lines.count
        Terminal.errorInline(text)
    }
}
