import Foundation

/// Limits and settings for every interpreter a ``PythonSandboxPool`` starts.
public struct PythonSandboxConfiguration: Sendable, Hashable {
    /// Wall-clock time one call may take; past it the whole sandbox is killed and the next call starts afresh.
    public var callTimeout: Duration
    /// Address-space limit of each process in the sandbox (`RLIMIT_AS`).
    public var memoryBytes: Int
    /// CPU seconds one interpreter may use over its life (`RLIMIT_CPU`), a backstop behind `callTimeout`.
    public var cpuSeconds: Int
    /// Processes and threads the sandbox may run at once (`RLIMIT_NPROC`).
    public var maxProcesses: Int
    /// Largest file the sandbox may write (`RLIMIT_FSIZE`).
    public var maxFileBytes: Int
    /// Output kept per call; the rest is dropped inside the sandbox and replaced by a notice.
    public var outputLimit: Int
    /// Interpreters kept started and idle, ready for new conversations.
    public var warmPoolSize: Int
    /// Modules a pre-started interpreter imports while idle, so a conversation's first cell does not pay for them.
    public var preloadModules: [String]
    /// Where pre-started interpreters keep their empty work folders until a conversation adopts one. It should be
    /// on the same file system as the conversations' work folders (adoption is a rename); otherwise a
    /// conversation gets a freshly started interpreter instead.
    public var stagingDirectory: URL
    /// When Emergent runs as root, the code in each sandbox runs as its own unprivileged host user from this
    /// range (bubblewrap runs privileged and the driver drops to that user before anything else), so the kernel
    /// enforces `maxProcesses` (root, and a user namespace mapped onto root, are exempt from `RLIMIT_NPROC`) and
    /// sandboxes cannot signal one another.
    public var sandboxUserIDs: ClosedRange<UInt32>

    public init(
        callTimeout: Duration = .seconds(30),
        memoryBytes: Int = 1 << 30,
        cpuSeconds: Int = 600,
        maxProcesses: Int = 128,
        maxFileBytes: Int = 512 << 20,
        outputLimit: Int = 64 << 10,
        warmPoolSize: Int = 2,
        preloadModules: [String] = ["numpy", "pandas", "matplotlib.pyplot"],
        stagingDirectory: URL = FileManager.default.temporaryDirectory.appendingPathComponent(
            "emergent-python-staging", isDirectory: true),
        sandboxUserIDs: ClosedRange<UInt32> = 1_600_000_000...1_600_099_999
    ) {
        self.callTimeout = callTimeout
        self.memoryBytes = memoryBytes
        self.cpuSeconds = cpuSeconds
        self.maxProcesses = maxProcesses
        self.maxFileBytes = maxFileBytes
        self.outputLimit = outputLimit
        self.warmPoolSize = warmPoolSize
        self.preloadModules = preloadModules
        self.stagingDirectory = stagingDirectory
        self.sandboxUserIDs = sandboxUserIDs
    }
}
