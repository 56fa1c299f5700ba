import EmergentCore
import Foundation
import Synchronization

/// One long-lived Python interpreter inside a bubblewrap sandbox: no network, a read-only system, a private
/// `/tmp`, the work folder at `/mnt/data` as the only writable place, and resource limits.
///
/// Calls run one at a time, in arrival order (parallel calls of one conversation queue); a call that runs past its time limit kills the whole sandbox, after which
/// ``isAlive`` is false and the owner starts a new one.
public actor PythonSandbox {
    /// The host folder mounted at `/mnt/data`.
    public private(set) var workDirectory: URL
    private let process: SandboxProcess
    private var queued: [SandboxProcess.Event] = []
    private var waiter: (id: Int, continuation: CheckedContinuation<SandboxProcess.Event, any Error>)?
    private var exitDetail: String?
    private var stopped = false
    private var nextWaiterID = 0
    private var timer: Task<Void, Never>?
    private var busy = false
    /// Calls waiting for the one running now, first come first served.
    private var waitingCalls: [CheckedContinuation<Void, Never>] = []

    private static let userCounter = Mutex<UInt32>(0)

    /// Starts a sandbox with `workDirectory` (created if missing) at `/mnt/data` and waits until the interpreter
    /// is ready to run code.
    public static func start(
        environment: PythonEnvironment, configuration: PythonSandboxConfiguration, workDirectory: URL
    ) async throws(PythonSandboxError) -> PythonSandbox {
        let userID = geteuid() == 0 ? nextUserID(in: configuration.sandboxUserIDs) : nil
        do {
            try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
        } catch {
            throw .spawnFailed("cannot create the work folder \(workDirectory.path): \(error.localizedDescription)")
        }
        if let userID { try handOver(workDirectory, to: userID) }
        let arguments = commandLine(
            environment: environment, configuration: configuration, workDirectory: workDirectory, userID: userID)
        let process = try SandboxProcess(arguments: arguments, environment: ["PATH": "/usr/bin:/bin"])
        let sandbox = PythonSandbox(process: process, workDirectory: workDirectory)
        await sandbox.listen()
        let ready = try await sandbox.nextMessage(timeout: .seconds(60))
        guard ready["type"]?.stringValue == "ready" else {
            process.kill()
            throw .protocolViolation("expected ready, got \(ready.compactJSON.prefix(200))")
        }
        return sandbox
    }

    private init(process: SandboxProcess, workDirectory: URL) {
        self.process = process
        self.workDirectory = workDirectory
    }

    deinit {
        process.kill()
    }

    /// False once the interpreter has exited or been killed.
    public var isAlive: Bool { exitDetail == nil && !stopped }

    /// Runs one cell. Throws ``PythonSandboxError/timedOut(_:)`` (the sandbox is dead afterwards),
    /// or ``PythonSandboxError/interpreterDied(detail:)``. A call made while another runs waits for its turn.
    public func execute(_ code: String, timeout: Duration) async throws(PythonSandboxError) -> PythonExecution {
        let reply = try await request(["type": .string("execute"), "code": .string(code)], timeout: timeout)
        guard reply["type"]?.stringValue == "result" else {
            throw .protocolViolation("expected a result, got \(reply.compactJSON.prefix(200))")
        }
        return PythonExecution(
            output: reply["output"]?.stringValue ?? "",
            droppedCharacters: reply["dropped"]?.intValue ?? 0,
            raised: reply["error"] == .bool(true),
            figures: (reply["figures"]?.arrayValue ?? []).compactMap(\.stringValue),
            changedFiles: (reply["files"]?.arrayValue ?? []).compactMap(\.stringValue))
    }

    /// Imports `modules` now, so cells that use them start fast; failures to import are ignored.
    public func preload(_ modules: [String], timeout: Duration) async throws(PythonSandboxError) {
        _ = try await request(["type": .string("preload"), "modules": .array(modules.map { .string($0) })],
            timeout: timeout)
    }

    /// The folder moved (a pool's staging folder adopted by a conversation); the mount follows the directory.
    func adopted(at folder: URL) { workDirectory = folder }

    /// Kills the sandbox and everything in it.
    public func terminate() {
        stopped = true
        process.kill()
    }

    private func request(_ message: JSONObject, timeout: Duration) async throws(PythonSandboxError) -> JSONValue {
        while busy {
            await withCheckedContinuation { waitingCalls.append($0) }
        }
        busy = true
        defer {
            busy = false
            if !waitingCalls.isEmpty { waitingCalls.removeFirst().resume() }
        }
        guard isAlive else { throw .interpreterDied(detail: exitDetail ?? "it was stopped") }
        try process.write(Array((JSONValue.object(message).compactJSON + "\n").utf8))
        return try await nextMessage(timeout: timeout)
    }

    private func listen() {
        let events = process.events
        Task { [weak self] in
            for await event in events {
                guard let self else { return }
                await self.deliver(event)
            }
        }
    }

    private func deliver(_ event: SandboxProcess.Event) {
        if case .exited(let status, let standardError) = event {
            let trimmed = standardError.trimmingCharacters(in: .whitespacesAndNewlines)
            exitDetail = SandboxProcess.describe(status: status) + (trimmed.isEmpty ? "" : "; \(trimmed.suffix(500))")
        }
        if let waiter {
            self.waiter = nil
            timer?.cancel()
            timer = nil
            waiter.continuation.resume(returning: event)
        } else {
            queued.append(event)
        }
    }

    private func nextMessage(timeout: Duration) async throws(PythonSandboxError) -> JSONValue {
        let event: SandboxProcess.Event
        do {
            event = try await nextEvent(timeout: timeout)
        } catch let error as PythonSandboxError {
            throw error
        } catch {
            throw .protocolViolation(String(describing: error))
        }
        switch event {
        case .exited:
            throw .interpreterDied(detail: exitDetail ?? "it exited")
        case .line(let bytes):
            do {
                return try JSONParser.parse(bytes)
            } catch {
                process.kill()
                throw .protocolViolation(error.description)
            }
        }
    }

    private func nextEvent(timeout: Duration) async throws -> SandboxProcess.Event {
        if !queued.isEmpty { return queued.removeFirst() }
        if stopped { throw PythonSandboxError.interpreterDied(detail: "it was stopped") }
        nextWaiterID += 1
        let id = nextWaiterID
        return try await withCheckedThrowingContinuation { continuation in
            waiter = (id, continuation)
            timer = Task { [weak self] in
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                await self?.expire(waiterID: id, after: timeout)
            }
        }
    }

    private func expire(waiterID: Int, after timeout: Duration) {
        guard let waiter, waiter.id == waiterID else { return }
        self.waiter = nil
        stopped = true
        process.kill()
        waiter.continuation.resume(throwing: PythonSandboxError.timedOut(timeout))
    }

    private static func nextUserID(in range: ClosedRange<UInt32>) -> UInt32 {
        userCounter.withLock { counter in
            let id = range.lowerBound + counter % UInt32(range.count)
            counter &+= 1
            return id
        }
    }

    /// Gives the work folder and everything in it to the sandbox's user, so it can write there.
    private static func handOver(_ folder: URL, to userID: UInt32) throws(PythonSandboxError) {
        guard lchown(folder.path, userID, userID) == 0 else {
            throw .spawnFailed("cannot give \(folder.path) to the sandbox user: \(String(cString: strerror(errno)))")
        }
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return }
        for case let relative as String in walker {
            _ = lchown(folder.appendingPathComponent(relative).path, userID, userID)
        }
    }

    static func commandLine(
        environment: PythonEnvironment, configuration: PythonSandboxConfiguration, workDirectory: URL,
        userID: UInt32?
    ) -> [String] {
        var arguments = [environment.bubblewrap]
        if userID == nil {
            // Unprivileged: a user namespace, in which the caller's user is uid 1000 with no capabilities.
            arguments += ["--unshare-user", "--uid", "1000", "--gid", "1000"]
        } else {
            // Root: bubblewrap runs privileged and keeps only what the driver needs to drop to `userID` at once.
            arguments += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        }
        arguments += [
            "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--hostname", "sandbox", "--die-with-parent", "--new-session",
            "--ro-bind", "/usr", "/usr",
        ]
        for top in ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"] {
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: top) {
                arguments += ["--symlink", target, top]
            } else if FileManager.default.fileExists(atPath: top) {
                arguments += ["--ro-bind", top, top]
            }
        }
        arguments += ["--tmpfs", "/etc"]
        for file in ["/etc/ld.so.cache", "/etc/localtime", "/etc/fonts", "/etc/alternatives", "/etc/mime.types"] {
            arguments += ["--ro-bind-try", file, file]
        }
        arguments += [
            "--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp",
            // Privileged bubblewrap creates missing parents as 0700; the sandbox user must be able to enter them.
            "--perms", "0755", "--dir", "/opt", "--perms", "0755", "--dir", "/mnt",
            "--ro-bind", environment.virtualEnvironment.path, PythonEnvironment.mountPoint,
            "--bind", workDirectory.path, "/mnt/data", "--chdir", "/mnt/data",
            "--remount-ro", "/",
            "--clearenv",
            "--setenv", "HOME", "/tmp", "--setenv", "USER", "sandbox", "--setenv", "LANG", "C.UTF-8",
            "--setenv", "PATH", "\(PythonEnvironment.mountPoint)/bin:/usr/bin:/bin",
            "--setenv", "MPLBACKEND", "Agg", "--setenv", "MPLCONFIGDIR", "/tmp/matplotlib",
            "--setenv", "OPENBLAS_NUM_THREADS", "1", "--setenv", "OMP_NUM_THREADS", "1",
            "--setenv", "PYTHONDONTWRITEBYTECODE", "1", "--setenv", "PYTHONUNBUFFERED", "1",
            "--setenv", "EMERGENT_SANDBOX_CONFIG", driverConfiguration(configuration, userID: userID),
            "\(PythonEnvironment.mountPoint)/bin/python", "-c", PythonDriver.source,
        ]
        return arguments
    }

    private static func driverConfiguration(_ configuration: PythonSandboxConfiguration, userID: UInt32?) -> String {
        let limits: JSONObject = [
            "RLIMIT_AS": .int(configuration.memoryBytes),
            "RLIMIT_CPU": .int(configuration.cpuSeconds),
            "RLIMIT_NPROC": .int(configuration.maxProcesses),
            "RLIMIT_FSIZE": .int(configuration.maxFileBytes),
        ]
        var object: JSONObject = [
            "output_limit": .int(configuration.outputLimit), "data_dir": .string("/mnt/data"),
            "limits": .object(limits),
        ]
        if let userID { object["user_id"] = .int(Int(userID)) }
        return JSONValue.object(object).compactJSON
    }
}
