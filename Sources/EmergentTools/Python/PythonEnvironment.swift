import Foundation

/// Where the sandbox's Python and the programs that build the sandbox live on the host.
///
/// The virtual environment is made by `scripts/setup.sh` with Debian's `/usr/bin/python3` (so it needs nothing
/// from anyone's home folder) and is mounted read-only inside the sandbox at ``mountPoint``.
public struct PythonEnvironment: Sendable, Hashable {
    /// Where the venv appears inside the sandbox; its `bin/python` is run directly, which works after the move.
    public static let mountPoint = "/opt/emergent-python"
    /// The variable that names a venv explicitly.
    public static let environmentVariable = "EMERGENT_SANDBOX_VENV"

    /// The venv on the host.
    public var virtualEnvironment: URL
    /// The bubblewrap executable.
    public var bubblewrap: String

    public init(virtualEnvironment: URL, bubblewrap: String) {
        self.virtualEnvironment = virtualEnvironment
        self.bubblewrap = bubblewrap
    }

    /// Finds the venv (the explicit one, then `$EMERGENT_SANDBOX_VENV`, then `.deps/sandbox-venv` in the current
    /// directory or the executable's directory or any folder above them) and bubblewrap.
    public static func locate(
        virtualEnvironment explicit: URL? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(PythonSandboxError) -> PythonEnvironment {
        var candidates: [URL] = []
        if let explicit { candidates.append(explicit) }
        if let named = environment[environmentVariable], !named.isEmpty {
            candidates.append(URL(fileURLWithPath: named, isDirectory: true))
        }
        if explicit == nil {
            var starts = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)]
            if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
                starts.append(executable.deletingLastPathComponent())
            }
            for start in starts {
                var folder = start.standardizedFileURL
                while true {
                    candidates.append(folder.appendingPathComponent(".deps/sandbox-venv", isDirectory: true))
                    let parent = folder.deletingLastPathComponent()
                    if parent.path == folder.path { break }
                    folder = parent
                }
            }
        }
        guard let venv = candidates.first(where: { isVirtualEnvironment($0) }) else {
            var seen = Set<String>()
            let searched = candidates.map(\.path).filter { seen.insert($0).inserted }
            throw .environmentMissing(searched: Array(searched.prefix(6)) + (searched.count > 6 ? ["…"] : []))
        }
        guard let bubblewrap = findProgram("bwrap", environment: environment) else {
            throw .programMissing("bubblewrap (bwrap)")
        }
        return PythonEnvironment(virtualEnvironment: venv, bubblewrap: bubblewrap)
    }

    static func isVirtualEnvironment(_ folder: URL) -> Bool {
        let manager = FileManager.default
        return manager.isExecutableFile(atPath: folder.appendingPathComponent("bin/python").path)
            && manager.fileExists(atPath: folder.appendingPathComponent("pyvenv.cfg").path)
    }

    static func findProgram(_ name: String, environment: [String: String]) -> String? {
        let path = environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/bin", "/bin", "/usr/sbin", "/sbin"]
        return folders.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
