import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One child process with pipes on its stdin, stdout and stderr, started with `posix_spawn` so that its signal
/// mask and dispositions are reset (a test runner's blocked signals are not inherited).
///
/// A dedicated thread reads stdout line by line and stderr into a bounded buffer, so no task of the cooperative
/// pool ever blocks on a read; when both close it reaps the child and reports its exit.
final class SandboxProcess: Sendable {
    /// What the reader thread reports, in order.
    enum Event: Sendable {
        /// One line of stdout, without its newline.
        case line([UInt8])
        /// The process ended; `status` is the raw wait status, `standardError` the tail of what it wrote there.
        case exited(status: Int32, standardError: String)
    }

    let pid: pid_t
    let events: AsyncStream<Event>
    private let input: Int32
    /// Set, under the lock, when the child has been reaped; its pid may then belong to someone else.
    private let reaped = Mutex(false)

    init(arguments: [String], environment: [String: String]) throws(PythonSandboxError) {
        guard let executable = arguments.first else { throw .spawnFailed("no program given") }
        var stdinPipe: [Int32] = [-1, -1]
        var stdoutPipe: [Int32] = [-1, -1]
        var stderrPipe: [Int32] = [-1, -1]
        guard Self.makePipe(&stdinPipe), Self.makePipe(&stdoutPipe), Self.makePipe(&stderrPipe) else {
            let reason = String(cString: strerror(errno))
            for fd in stdinPipe + stdoutPipe + stderrPipe where fd >= 0 { close(fd) }
            throw .spawnFailed("pipe: \(reason)")
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        close(stdinPipe[0])
        close(stdoutPipe[1])
        close(stderrPipe[1])
        guard result == 0 else {
            close(stdinPipe[1])
            close(stdoutPipe[0])
            close(stderrPipe[0])
            throw .spawnFailed("\(executable): \(String(cString: strerror(result)))")
        }
        let spawned = child
        pid = spawned
        input = stdinPipe[1]
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .unbounded)
        events = stream
        let output = stdoutPipe[0]
        let errors = stderrPipe[0]
        let thread = Thread { [self] in
            readUntilExit(output: output, errors: errors, continuation: continuation)
        }
        thread.name = "python-sandbox-\(spawned)"
        thread.start()
    }

    /// A pipe whose ends are closed on exec (so other children do not inherit them).
    private static func makePipe(_ ends: inout [Int32]) -> Bool {
        guard pipe(&ends) == 0 else { return false }
        for fd in ends { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return true
    }

    /// Writes all of `bytes` to the child's stdin. Fails when the child has gone.
    func write(_ bytes: [UInt8]) throws(PythonSandboxError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(input, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw .interpreterDied(detail: "writing to it failed: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// Kills the process (and with it the sandbox: bubblewrap's children die with their parent). Does nothing once
    /// it has been reaped, so a recycled pid is never signalled.
    func kill() {
        reaped.withLock { reaped in
            if !reaped { _ = Glibc.kill(pid, SIGKILL) }
        }
    }

    deinit {
        close(input)
    }

    private func readUntilExit(output: Int32, errors: Int32, continuation: AsyncStream<Event>.Continuation) {
        var pending: [UInt8] = []
        var standardError: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        var open = [output, errors]
        while !open.isEmpty {
            var polled = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&polled, nfds_t(polled.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            for entry in polled where entry.revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 {
                    close(entry.fd)
                    open.removeAll { $0 == entry.fd }
                    continue
                }
                if entry.fd == output {
                    pending.append(contentsOf: buffer[0..<count])
                    while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                        continuation.yield(.line(Array(pending[..<newline])))
                        pending.removeSubrange(...newline)
                    }
                } else if standardError.count < 16384 {
                    standardError.append(contentsOf: buffer[0..<min(count, 16384 - standardError.count)])
                }
            }
        }
        for fd in open { close(fd) }
        // Wait for the exit without reaping, then reap under the lock, so `kill` never hits a recycled pid.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
        var status: Int32 = 0
        reaped.withLock { reaped in
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            reaped = true
        }
        continuation.yield(.exited(status: status, standardError: String(decoding: standardError, as: UTF8.self)))
        continuation.finish()
    }

    /// "exit status 1", "killed by signal 9".
    static func describe(status: Int32) -> String {
        let signal = status & 0x7f
        if signal == 0 { return "exit status \((status >> 8) & 0xff)" }
        return "killed by signal \(signal)"
    }
}
