import Foundation

/// Why the Python sandbox could not run a call. Each message says what happened and what to do.
public enum PythonSandboxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No virtual environment for the sandbox was found; `searched` lists where it was looked for.
    case environmentMissing(searched: [String])
    /// A program the sandbox needs (`bwrap`) is not installed.
    case programMissing(String)
    /// The sandbox process could not be started.
    case spawnFailed(String)
    /// The interpreter exited before or while answering; `detail` is its exit status and any sandbox error.
    case interpreterDied(detail: String)
    /// The call ran past its wall-clock limit and the sandbox was killed.
    case timedOut(Duration)
    /// The interpreter sent something that is not the protocol.
    case protocolViolation(String)
    /// The pool was shut down.
    case shutDown

    public var description: String {
        switch self {
        case .environmentMissing(let searched):
            "The Python sandbox environment is missing (looked in: \(searched.joined(separator: ", "))). "
                + "Run scripts/setup.sh to create .deps/sandbox-venv, or set EMERGENT_SANDBOX_VENV to a venv "
                + "made with /usr/bin/python3 -m venv."
        case .programMissing(let program):
            "\(program) is not installed, so Python cannot run in a sandbox. Run scripts/setup.sh (it installs "
                + "bubblewrap) or install it with apt-get."
        case .spawnFailed(let detail):
            "Could not start the Python sandbox: \(detail)."
        case .interpreterDied(let detail) where detail.contains("signal") || detail.hasPrefix("exit status 137"):
            "The interpreter was killed (out of memory?) and its state is lost: \(detail). The next call starts "
                + "a fresh interpreter; files in /mnt/data are kept."
        case .interpreterDied(let detail):
            "The interpreter stopped unexpectedly and its state is lost: \(detail). The next call starts a fresh "
                + "interpreter; files in /mnt/data are kept."
        case .timedOut(let limit):
            "The call ran longer than \(limit.formattedSeconds) and the interpreter was killed; its variables "
                + "and imports are lost. The next call starts a fresh interpreter; files in /mnt/data are kept. "
                + "Make the work smaller or faster (sample the data, vectorise loops)."
        case .protocolViolation(let detail):
            "The interpreter sent an unreadable reply (\(detail)); it was restarted."
        case .shutDown:
            "The Python sandbox has been shut down."
        }
    }
}

extension Duration {
    /// "2 s", "1.5 s".
    var formattedSeconds: String {
        let seconds = Double(components.seconds) + Double(components.attoseconds) / 1e18
        return seconds.rounded() == seconds ? "\(Int(seconds)) s" : String(format: "%.1f s", seconds)
    }
}
