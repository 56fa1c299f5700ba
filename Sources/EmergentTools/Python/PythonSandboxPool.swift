import Foundation
import Logging

/// Python sandboxes by conversation, with a few pre-started interpreters kept idle so that a new conversation
/// does not wait for Python to start and import numpy, pandas and matplotlib.
///
/// A pre-started sandbox mounts an empty staging folder at `/mnt/data`. A conversation whose work folder is
/// missing or empty adopts it: the staging folder is renamed to the work folder, and the mount follows. A
/// conversation whose folder already has files (or is on another file system) gets a sandbox started for it.
public actor PythonSandboxPool {
    /// The sandbox a conversation got.
    public struct Lease: Sendable {
        public var sandbox: PythonSandbox
        /// True when it came from the warm pool rather than being started for this call.
        public var wasPrestarted: Bool
        /// True when an earlier interpreter of this conversation died, so its variables are gone.
        public var replacedLostInterpreter: Bool
    }

    public let environment: PythonEnvironment
    public let configuration: PythonSandboxConfiguration
    private let logger: Logger
    private var idle: [PythonSandbox] = []
    private var starting = 0
    private var active: [String: PythonSandbox] = [:]
    private var isShutDown = false
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    private var lastStartFailure: PythonSandboxError?
    private var leasing: [String: Task<Lease, any Error>] = [:]

    public init(
        environment: PythonEnvironment, configuration: PythonSandboxConfiguration = PythonSandboxConfiguration(),
        logger: Logger = Logger(label: "emergent.python")
    ) {
        self.environment = environment
        self.configuration = configuration
        self.logger = logger
    }

    /// Starts filling the warm pool in the background.
    public func warmUp() {
        refill()
    }

    /// Number of pre-started interpreters waiting for a conversation.
    public var idleCount: Int { idle.count }

    /// Waits until the warm pool is full (or the pool is shut down); throws why a pre-start failed.
    public func waitUntilWarm() async throws(PythonSandboxError) {
        lastStartFailure = nil
        refill()
        while !isShutDown && idle.count < configuration.warmPoolSize {
            if let failure = lastStartFailure {
                lastStartFailure = nil
                throw failure
            }
            await withCheckedContinuation { idleWaiters.append($0) }
        }
    }

    /// The conversation's sandbox: its living one, else a pre-started one adopted into `workDirectory`, else one
    /// started now.
    public func lease(conversationID: String, workDirectory: URL) async throws(PythonSandboxError) -> Lease {
        guard !isShutDown else { throw .shutDown }
        // One lease at a time per conversation: two concurrent first calls must not both adopt a folder.
        if let inFlight = leasing[conversationID] { return try await Self.result(of: inFlight) }
        let task = Task { try await self.makeLease(conversationID: conversationID, workDirectory: workDirectory) }
        leasing[conversationID] = task
        defer { leasing[conversationID] = nil }
        return try await Self.result(of: task)
    }

    private static func result(of task: Task<Lease, any Error>) async throws(PythonSandboxError) -> Lease {
        do {
            return try await task.value
        } catch let error as PythonSandboxError {
            throw error
        } catch {
            throw .spawnFailed(String(describing: error))
        }
    }

    private func makeLease(conversationID: String, workDirectory: URL) async throws(PythonSandboxError) -> Lease {
        var lost = false
        if let current = active[conversationID] {
            if await current.isAlive { return Lease(sandbox: current, wasPrestarted: false, replacedLostInterpreter: false) }
            active[conversationID] = nil
            lost = true
        }
        defer { refill() }
        if let sandbox = await adoptIdle(into: workDirectory) {
            active[conversationID] = sandbox
            return Lease(sandbox: sandbox, wasPrestarted: true, replacedLostInterpreter: lost)
        }
        let sandbox = try await PythonSandbox.start(
            environment: environment, configuration: configuration, workDirectory: workDirectory)
        if isShutDown {
            await sandbox.terminate()
            throw .shutDown
        }
        if let raced = active[conversationID], await raced.isAlive {
            await sandbox.terminate()
            return Lease(sandbox: raced, wasPrestarted: false, replacedLostInterpreter: lost)
        }
        active[conversationID] = sandbox
        return Lease(sandbox: sandbox, wasPrestarted: false, replacedLostInterpreter: lost)
    }

    /// Kills the conversation's interpreter; its work folder stays.
    public func end(conversationID: String) async {
        if let sandbox = active.removeValue(forKey: conversationID) { await sandbox.terminate() }
    }

    /// Kills every interpreter, idle or leased, and removes the idle ones' staging folders.
    public func shutdown() async {
        isShutDown = true
        for sandbox in active.values { await sandbox.terminate() }
        active = [:]
        for sandbox in idle {
            await sandbox.terminate()
            try? FileManager.default.removeItem(at: await sandbox.workDirectory)
        }
        idle = []
        resumeIdleWaiters()
    }

    private func adoptIdle(into workDirectory: URL) async -> PythonSandbox? {
        let manager = FileManager.default
        let target = workDirectory.standardizedFileURL
        if let contents = try? manager.contentsOfDirectory(atPath: target.path), !contents.isEmpty { return nil }
        while let sandbox = idle.popLast() {
            guard await sandbox.isAlive else {
                try? manager.removeItem(at: await sandbox.workDirectory)
                continue
            }
            let staging = await sandbox.workDirectory
            do {
                try manager.createDirectory(
                    at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            } catch {
                idle.append(sandbox)
                return nil
            }
            // rename(2) replaces an empty directory, and fails (EXDEV) across file systems.
            guard rename(staging.path, target.path) == 0 else {
                logger.debug("python: cannot adopt a pre-started sandbox into \(target.path): \(String(cString: strerror(errno)))")
                idle.append(sandbox)
                return nil
            }
            await sandbox.adopted(at: target)
            return sandbox
        }
        return nil
    }

    private func refill() {
        guard !isShutDown else { return }
        while idle.count + starting < configuration.warmPoolSize {
            starting += 1
            Task { await self.startIdle() }
        }
    }

    private func startIdle() async {
        let staging = configuration.stagingDirectory.appendingPathComponent(UUID().uuidString, isDirectory: true)
        do {
            let sandbox = try await PythonSandbox.start(
                environment: environment, configuration: configuration, workDirectory: staging)
            if !configuration.preloadModules.isEmpty {
                try await sandbox.preload(configuration.preloadModules, timeout: .seconds(120))
            }
            starting -= 1
            if isShutDown {
                await sandbox.terminate()
                try? FileManager.default.removeItem(at: staging)
            } else {
                idle.append(sandbox)
            }
        } catch {
            starting -= 1
            try? FileManager.default.removeItem(at: staging)
            logger.warning("python: could not pre-start a sandbox: \(error)")
            lastStartFailure = error
            // Do not retry in a loop: the next lease refills again.
        }
        resumeIdleWaiters()
    }

    private func resumeIdleWaiters() {
        let waiters = idleWaiters
        idleWaiters = []
        for waiter in waiters { waiter.resume() }
    }
}
