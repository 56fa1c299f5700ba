import Foundation
import Synchronization

/// Limits of one OS sandbox.
public struct OSSandboxLimits: Sendable, Hashable {
    /// Seconds one agent command may run before it is interrupted (AgentBench v0.2 waits 30 s, then gives up).
    public var commandTimeout: Double
    /// Seconds an init, check or example script may run.
    public var scriptTimeout: Double
    /// Bytes of command output kept in memory (the observation is truncated much earlier).
    public var outputCap: Int
    /// Size of each writable in-memory file system (/root, /home, /tmp, /usr, /etc, ...), in bytes.
    public var tmpfsSize: Int
    /// Virtual memory per process, in KiB (`ulimit -v`).
    public var memoryKiB: Int
    /// Largest file a process may write, in KiB (`ulimit -f`).
    public var fileSizeKiB: Int
    /// Processes and threads the whole sandbox may have at once (the cgroup pids controller's `pids.max`, which
    /// stops fork bombs); 0 turns the limit off. Enforced only where a writable pids controller exists (see
    /// `OSEnvironment.processLimitEnforced`).
    public var maxProcesses: Int

    public init(commandTimeout: Double = 10, scriptTimeout: Double = 60, outputCap: Int = 256 * 1024,
                tmpfsSize: Int = 256 * 1024 * 1024, memoryKiB: Int = 4 * 1024 * 1024,
                fileSizeKiB: Int = 256 * 1024, maxProcesses: Int = 256) {
        self.commandTimeout = commandTimeout
        self.scriptTimeout = scriptTimeout
        self.outputCap = outputCap
        self.tmpfsSize = tmpfsSize
        self.memoryKiB = memoryKiB
        self.fileSizeKiB = fileSizeKiB
        self.maxProcesses = maxProcesses
    }
}

/// What one command in the sandbox's shell produced.
struct OSCommandOutput: Sendable, Hashable {
    var output: String
    var exitCode: Int
    var timedOut: Bool
}

/// What one separate script run (init, check, example) produced.
struct OSScriptOutput: Sendable, Hashable {
    var exitCode: Int
    var stdout: String
    var stderr: String
    var timedOut: Bool
}

/// Bytes read from the sandbox's shell, kept up to a cap; the tail is always kept so the end marker is found.
final class OSOutputBuffer: Sendable {
    private struct State {
        var head = Data()
        var tail = Data()
        var dropped = 0
        var closed = false
    }
    private let state = Mutex(State())
    private let cap: Int
    private static let tailSize = 4096

    init(cap: Int) { self.cap = cap }

    func append(_ data: Data) {
        state.withLock { state in
            if data.isEmpty {
                state.closed = true
                return
            }
            if state.head.count < cap {
                let room = cap - state.head.count
                state.head.append(data.prefix(room))
                if data.count > room { state.tail.append(data.dropFirst(room)) }
            } else {
                state.tail.append(data)
            }
            if state.tail.count > Self.tailSize {
                let extra = state.tail.count - Self.tailSize
                state.dropped += extra
                state.tail = Data(state.tail.dropFirst(extra))
            }
        }
    }

    /// Everything read so far (head, a note about dropped bytes, tail) and whether the stream has ended.
    func snapshot() -> (text: Data, closed: Bool) {
        state.withLock { state in
            var all = state.head
            if state.dropped > 0 {
                all.append(Data("\n[\(state.dropped) bytes of output dropped]\n".utf8))
            }
            all.append(state.tail)
            return (all, state.closed)
        }
    }

    func reset() {
        state.withLock { state in
            state.head = Data()
            state.tail = Data()
            state.dropped = 0
        }
    }
}

/// One throw-away Linux box for one episode: a bubblewrap sandbox (user, pid, mount, net, ipc and uts namespaces;
/// uid 0 inside, mapped to the caller; no network) whose root is an empty tmpfs holding read-only binds of the
/// host's /usr, a private copy of /etc and private in-memory /root, /home, /tmp, /var, /opt and /usr/local. A
/// long-lived interactive bash inside keeps cwd, variables and background jobs across commands. The only host
/// path it can write is its own control directory, deleted at `close()`.
actor OSSandbox {
    static let bwrapPath = "/usr/bin/bwrap"
    static let controlMount = "/run/.emergent"
    static let hostEtcMount = "/run/.host-etc"
    /// /etc entries never shown to the agent.
    static let secretEtcEntries: Set<String> = [
        "shadow", "shadow-", "gshadow", "gshadow-", "ssh", "ssl", "security", "sudoers", "sudoers.d",
        "credstore", "credstore.encrypted", "ppp", "wireguard", "NetworkManager",
    ]
    static let path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    let limits: OSSandboxLimits
    private let control: URL
    private let token: String
    private var process: Process?
    private var stdinHandle: FileHandle?
    private var buffer: OSOutputBuffer
    private var counter = 0
    private var responsive = true
    private var closed = false
    /// The sandbox's own pids cgroup, while it exists.
    private var cgroup: OSProcessCgroup?
    private var limitNote = "the sandbox has not started"
    private var limitEnforced = false

    init(limits: OSSandboxLimits) {
        self.limits = limits
        let name = "emergent-os-" + UUID().uuidString.lowercased()
        control = FileManager.default.temporaryDirectory.appendingPathComponent(name)
        token = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        buffer = OSOutputBuffer(cap: limits.outputCap)
    }

    /// The host directory this sandbox may write (tests use it to check isolation).
    var controlDirectory: URL { control }

    /// The directory of the sandbox's pids cgroup, nil when the process limit is not enforced or after close.
    var processCgroup: String? { cgroup?.directory }

    /// Whether `limits.maxProcesses` held for this sandbox (its processes were in their own pids cgroup); it
    /// stays true after close.
    var processLimitEnforced: Bool { limitEnforced }

    /// Where the process limit is enforced, or why it is not.
    var processLimitNote: String { limitNote }

    /// Whether the shell still answers (a command that ignored two interrupts leaves it stuck).
    var isResponsive: Bool { responsive && process?.isRunning == true }

    /// Starts the sandbox and its shell; throws `EnvironmentError` when bubblewrap is missing or fails.
    func launch() async throws {
        guard process == nil else { return }
        guard FileManager.default.isExecutableFile(atPath: Self.bwrapPath) else {
            throw EnvironmentError("the OS environment needs bubblewrap at \(Self.bwrapPath)",
                                   recovery: "install it: apt-get install bubblewrap")
        }
        do {
            try FileManager.default.createDirectory(at: control, withIntermediateDirectories: true)
            try bootScript.write(to: control.appendingPathComponent("boot.sh"), atomically: true, encoding: .utf8)
            try rcScript.write(to: control.appendingPathComponent("rc.sh"), atomically: true, encoding: .utf8)
        } catch {
            throw EnvironmentError("cannot prepare the sandbox directory \(control.path): \(error)")
        }
        setUpProcessLimit()
        let process = Process()
        // A tiny host shell joins the sandbox's pids cgroup, then becomes bwrap (same pid), so nothing the sandbox
        // runs can fork before the limit applies.
        var command = [Self.bwrapPath] + bwrapArguments()
        if let cgroup {
            command = [Self.hostShell, "-c", Self.joinScript, "emergent-os-join", cgroup.procsFile] + command
        }
        // Foundation's Process passes the parent's blocked-signal mask on (SIGINT included), which would make
        // the shell immune to interrupts; coreutils' env resets every signal to its default before bwrap runs.
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/env") {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["--default-signal"] + command
        } else {
            process.executableURL = URL(fileURLWithPath: command[0])
            process.arguments = Array(command.dropFirst())
        }
        process.environment = ["PATH": Self.path]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        let buffer = self.buffer
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            buffer.append(data)
            if data.isEmpty { handle.readabilityHandler = nil }
        }
        do {
            try process.run()
        } catch {
            // Frees the cgroup and the control directory made for it.
            await close()
            throw EnvironmentError("cannot start bubblewrap: \(error)")
        }
        self.process = process
        stdinHandle = input.fileHandleForWriting
        // The shell says it is ready by running the first marker command.
        let ready = try await runInShell(nil, timeout: 20)
        if ready.timedOut || !(process.isRunning) {
            let text = ready.output
            await close()
            throw EnvironmentError("the OS sandbox did not start: \(text.prefix(500))",
                                   recovery: "check that bubblewrap can create user namespaces on this machine")
        }
        // The wrapper cannot report a failed join, so check it: bwrap kept the wrapper's pid.
        if let cgroup, !cgroup.contains(process.processIdentifier) {
            limitNote = "the sandbox could not join its cgroup \(cgroup.directory); no process limit"
            self.cgroup = nil
            await cgroup.destroy(within: 1)
        } else if cgroup != nil {
            limitEnforced = true
        }
    }

    static let hostShell = "/bin/sh"
    /// Run by `hostShell` on the host: writes its own pid into the cgroup's `cgroup.procs` ($1), then execs bwrap.
    static let joinScript = "{ echo $$ > \"$1\"; } 2>/dev/null; shift; exec \"$@\""

    /// Creates the sandbox's pids cgroup when the machine allows it; otherwise records why the limit is off.
    private func setUpProcessLimit() {
        guard limits.maxProcesses > 0 else {
            limitNote = "the process limit is turned off (maxProcesses is 0)"
            return
        }
        let detected = OSPidsHierarchy.detected
        guard let hierarchy = detected.hierarchy else {
            limitNote = "no process limit: \(detected.note)"
            return
        }
        guard FileManager.default.isExecutableFile(atPath: Self.hostShell) else {
            limitNote = "no process limit: \(Self.hostShell) is missing"
            return
        }
        do {
            cgroup = try OSProcessCgroup.create(in: hierarchy, maxProcesses: limits.maxProcesses)
            limitNote = "at most \(limits.maxProcesses) processes (\(detected.note))"
        } catch {
            limitNote = "no process limit: \(error.description)"
        }
    }

    private func bwrapArguments() -> [String] {
        let size = String(limits.tmpfsSize)
        var args = [
            "--unshare-all", "--unshare-user", "--disable-userns", "--uid", "0", "--gid", "0",
            "--die-with-parent", "--new-session", "--hostname", "emergent-os",
            "--cap-drop", "CAP_SYS_ADMIN", "--cap-drop", "CAP_SYS_PTRACE", "--cap-drop", "CAP_NET_ADMIN",
            "--cap-drop", "CAP_SYS_MODULE", "--cap-drop", "CAP_SYS_RAWIO", "--cap-drop", "CAP_SYS_BOOT",
            "--cap-drop", "CAP_MKNOD", "--cap-drop", "CAP_SYS_TIME",
            "--size", size, "--tmpfs", "/",
            "--size", size, "--tmpfs", "/usr",
        ]
        let fm = FileManager.default
        let usrEntries = ((try? fm.contentsOfDirectory(atPath: "/usr")) ?? []).sorted()
        for entry in usrEntries where entry != "local" {
            args += ["--ro-bind", "/usr/\(entry)", "/usr/\(entry)"]
        }
        args += ["--size", size, "--tmpfs", "/usr/local"]
        for top in ["bin", "sbin", "lib", "lib32", "lib64", "libx32"] {
            let host = "/\(top)"
            if let target = try? fm.destinationOfSymbolicLink(atPath: host) {
                args += ["--symlink", target, host]
            } else if fm.fileExists(atPath: host) {
                args += ["--ro-bind", host, host]
            }
        }
        for dir in ["/etc", "/root", "/home", "/tmp", "/var", "/opt", "/srv", "/mnt", "/media", "/run"] {
            args += ["--size", size, "--tmpfs", dir]
        }
        // The host's /etc, entry by entry, minus secrets (password hashes, host keys, private certificates);
        // the boot script copies it into the sandbox's writable /etc and writes blank shadow files.
        let etcEntries = ((try? fm.contentsOfDirectory(atPath: "/etc")) ?? []).sorted()
        for entry in etcEntries where !Self.secretEtcEntries.contains(entry) {
            let host = "/etc/\(entry)"
            let inside = "\(Self.hostEtcMount)/\(entry)"
            if let target = try? fm.destinationOfSymbolicLink(atPath: host) {
                args += ["--symlink", target, inside]
            } else if fm.isReadableFile(atPath: host) {
                args += ["--ro-bind", host, inside]
            }
        }
        args += [
            "--bind", control.path, Self.controlMount,
            "--proc", "/proc", "--dev", "/dev",
            "--chdir", "/root", "--clearenv",
            "--setenv", "PATH", Self.path, "--setenv", "HOME", "/root", "--setenv", "USER", "root",
            "--setenv", "LOGNAME", "root", "--setenv", "SHELL", "/bin/bash", "--setenv", "TERM", "dumb",
            "--setenv", "LANG", "C.UTF-8", "--setenv", "PS1", "", "--setenv", "PS2", "",
            "/bin/bash", "--norc", "--noprofile", "\(Self.controlMount)/boot.sh",
        ]
        return args
    }

    /// Runs inside the sandbox as its main process: fills /etc and the standard directories, sets the limits,
    /// and keeps an interactive shell reading commands (a new one if the agent's `exit` ends it).
    private var bootScript: String {
        """
        cp -r \(Self.hostEtcMount)/. /etc/ 2>/dev/null
        awk -F: '{print $1 ":*:19000:0:99999:7:::"}' /etc/passwd > /etc/shadow
        awk -F: '{print $1 ":*::" $4}' /etc/group > /etc/gshadow
        chmod 640 /etc/shadow /etc/gshadow
        mkdir -p /var/log /var/tmp /var/lib /var/cache /var/mail /var/spool /var/opt /run/lock
        mkdir -p /usr/local/bin /usr/local/sbin /usr/local/lib /usr/local/share /usr/local/etc /usr/local/include /usr/local/src
        chmod 1777 /tmp /var/tmp
        chmod 700 /root
        ulimit -v \(limits.memoryKiB) 2>/dev/null
        ulimit -f \(limits.fileSizeKiB) 2>/dev/null
        trap ':' INT
        while true; do
          /bin/bash --rcfile \(Self.controlMount)/rc.sh --noediting -i 2>&1
          printf '[the shell exited; a new shell was started]\\n\\036RS\(token)\\036\\n'
        done
        """
    }

    private var rcScript: String {
        """
        set +H
        set +o history
        unset MAIL MAILCHECK PROMPT_COMMAND
        PS1=''
        PS2=''
        cd /root
        """
    }

    /// Runs one agent command in the long-lived shell (state persists). On timeout the command is interrupted
    /// (SIGINT to the shell's foreground job, as Ctrl-C would) and the episode goes on.
    func run(_ command: String) async throws -> OSCommandOutput {
        try await runInShell(command, timeout: limits.commandTimeout)
    }

    /// Runs a script as its own process in the sandbox (like `docker exec`): cwd /root, a clean environment,
    /// stdin closed, `parameters` as $1, $2, ... Returns its exit status and separate stdout/stderr.
    func runScript(language: String, code: String, parameters: [String] = []) async throws -> OSScriptOutput {
        counter += 1
        let name = "job-\(counter)"
        let isPython = language.lowercased().hasPrefix("python")
        let file = "\(name).\(isPython ? "py" : "sh")"
        try write(code, to: file)
        let inside = "\(Self.controlMount)/\(name)"
        let interpreter = isPython ? "python3" : "bash"
        let args = parameters.map(Self.shellQuoted).joined(separator: " ")
        let seconds = Int(limits.scriptTimeout.rounded(.up))
        let line = "( cd /root && exec env -i PATH=\(Self.path) HOME=/root USER=root LOGNAME=root LANG=C.UTF-8 "
            + "timeout -k 2 \(seconds) \(interpreter) \(Self.controlMount)/\(file) \(args) ) "
            + "</dev/null >\(inside).out 2>\(inside).err"
        let result = try await runInShell(line, timeout: limits.scriptTimeout + 10, inline: true)
        let stdout = readOutput("\(name).out")
        let stderr = readOutput("\(name).err")
        let timedOut = result.timedOut || result.exitCode == 124
        return OSScriptOutput(exitCode: result.exitCode, stdout: stdout, stderr: stderr + result.output,
                              timedOut: timedOut)
    }

    /// Reads a file the sandbox wrote, never following a symbolic link the agent may have put there.
    private func readOutput(_ file: String) -> String {
        let path = control.appendingPathComponent(file).path
        let fd = open(path, O_RDONLY | O_NOFOLLOW)
        guard fd >= 0 else { return "" }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        let data = (try? handle.read(upToCount: limits.outputCap)) ?? nil
        return String(decoding: data ?? Data(), as: UTF8.self)
    }

    private func write(_ text: String, to file: String) throws {
        do {
            try text.write(to: control.appendingPathComponent(file), atomically: true, encoding: .utf8)
        } catch {
            throw EnvironmentError("cannot write to the sandbox directory \(control.path): \(error)")
        }
    }

    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Sends `command` (nil: only the marker) to the shell and waits for its end marker.
    private func runInShell(_ command: String?, timeout: Double, inline: Bool = false) async throws
        -> OSCommandOutput {
        guard !closed, let process, let stdinHandle else {
            throw EnvironmentError("the OS sandbox is closed")
        }
        guard responsive, process.isRunning else {
            return OSCommandOutput(output: "The OS shell no longer responds (an earlier command could not be "
                                   + "interrupted), so this command was not run.", exitCode: -1, timedOut: false)
        }
        counter += 1
        let id = counter
        var lines = ""
        if let command {
            if inline {
                lines += command + "\n"
            } else {
                let file = "cmd-\(id).sh"
                try write(command, to: file)
                lines += ". \(Self.controlMount)/\(file) </dev/null\n"
            }
        }
        let markerLine = "printf '\\036EM\(token):\(id):%d\\036\\n' \"$?\"\n"
        lines += markerLine
        buffer.reset()
        let earlierJobs = Set(interactiveShell().map(Self.children) ?? [])
        do {
            try stdinHandle.write(contentsOf: Data(lines.utf8))
        } catch {
            responsive = false
            return OSCommandOutput(output: "The OS shell is gone.", exitCode: -1, timedOut: false)
        }
        let start = Date()
        var interrupts = 0
        var resent = false
        let restart = Data("\u{1E}RS\(token)\u{1E}".utf8)
        while true {
            let (data, ended) = buffer.snapshot()
            // The agent's `exit` ended the shell and the marker line may have gone with it: ask the new one.
            if !resent, data.range(of: restart) != nil {
                resent = true
                try? stdinHandle.write(contentsOf: Data(markerLine.utf8))
            }
            if let found = findMarker(in: data, id: id) {
                return OSCommandOutput(output: found.output, exitCode: found.code, timedOut: interrupts > 0)
            }
            if ended || !process.isRunning {
                responsive = false
                return OSCommandOutput(output: String(decoding: data, as: UTF8.self)
                                       + "\n[the OS sandbox stopped]", exitCode: -1, timedOut: false)
            }
            let elapsed = Date().timeIntervalSince(start)
            if elapsed > timeout + Double(interrupts) * 2 {
                if interrupts >= 3 {
                    responsive = false
                    return OSCommandOutput(output: String(decoding: data, as: UTF8.self), exitCode: -1,
                                           timedOut: true)
                }
                interrupts += 1
                if interrupts <= 2 {
                    interruptForeground()
                } else {
                    killStuckCommand(sparing: earlierJobs)
                }
            }
            try? await Task.sleep(for: .milliseconds(elapsed < 0.2 ? 2 : 10))
        }
    }

    private func findMarker(in data: Data, id: Int) -> (output: String, code: Int)? {
        let marker = Data("\u{1E}EM\(token):\(id):".utf8)
        guard let range = data.range(of: marker) else { return nil }
        let rest = data[range.upperBound...]
        guard let end = rest.firstIndex(of: 0x1E) else { return nil }
        let code = Int(String(decoding: rest[rest.startIndex..<end], as: UTF8.self)) ?? -1
        let text = String(decoding: data[data.startIndex..<range.lowerBound], as: UTF8.self)
        return (text.replacingOccurrences(of: "\u{1E}RS\(token)\u{1E}\n", with: ""), code)
    }

    /// Ctrl-C for the shell: SIGINT to the sandbox's process group. The interactive shell survives it, the
    /// foreground command dies, and background jobs ignore it (bash starts them with SIGINT ignored).
    private func interruptForeground() {
        guard let process, process.isRunning else { return }
        let outer = process.processIdentifier
        let path = "/proc/\(outer)/task/\(outer)/children"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        for field in text.split(separator: " ") {
            if let pid = Int32(field.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1 {
                kill(-pid, SIGINT)
            }
        }
    }

    /// The host pid of the interactive shell: bwrap → the sandbox's pid 1 → the boot script → the shell.
    private func interactiveShell() -> Int32? {
        guard let process, process.isRunning else { return nil }
        var pid = process.processIdentifier
        for _ in 0..<3 {
            guard let child = Self.children(pid).first else { return nil }
            pid = child
        }
        return pid
    }

    static func children(_ pid: Int32) -> [Int32] {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        return text.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// The last resort for a command that ignores SIGINT: SIGKILL every process it started (the shell's children
    /// that were not there before it), or the shell itself when the command is a loop inside the shell (the boot
    /// script then starts a new shell).
    private func killStuckCommand(sparing earlier: Set<Int32>) {
        guard let shell = interactiveShell() else { return }
        let started = Self.children(shell).filter { !earlier.contains($0) }
        if started.isEmpty {
            kill(shell, SIGKILL)
            return
        }
        var stack = started
        var tree: [Int32] = []
        while let pid = stack.popLast(), tree.count < 4096 {
            tree.append(pid)
            stack += Self.children(pid)
        }
        for pid in tree { kill(pid, SIGKILL) }
    }

    /// Kills the sandbox's whole process tree and deletes its directory. Safe to call twice.
    func close() async {
        if closed { return }
        closed = true
        try? stdinHandle?.close()
        if let process, process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning, Date() < deadline {
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
        process = nil
        stdinHandle = nil
        if let cgroup {
            // Anything that outlived bwrap (nothing should: the pid namespace dies with it) is killed here.
            await cgroup.destroy()
            self.cgroup = nil
        }
        try? FileManager.default.removeItem(at: control)
    }
}
