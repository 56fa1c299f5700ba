import Synchronization

/// Set once when a server process exits; read without suspending by calls waiting on that process.
final class ExitFlag: Sendable {
    private let status = Mutex<String?>(nil)

    /// How the process ended (`status 3`, `signal 9`), once it has.
    var exitStatus: String? { status.withLock { $0 } }

    func set(_ value: String) { status.withLock { $0 = $0 ?? value } }
}
