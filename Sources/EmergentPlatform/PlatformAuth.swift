import Foundation
import EmergentServer
import EmergentStore

/// Who a request is: the admin, or one agent's key holder.
public enum Access: Sendable, Hashable {
    case admin
    case agent(String)

    /// Whether this access may use the agent `id` (run it, read its conversations).
    func allows(agent id: String) -> Bool {
        switch self {
        case .admin: true
        case .agent(let own): own == id
        }
    }
}

/// Checks `Authorization: Bearer …` against the configured admin key and the stored keys (SHA-256 hashes).
struct PlatformAuth: Sendable {
    let store: any PlatformStore
    /// The key from `--admin-key` / `EMERGENT_ADMIN_KEY`; stored admin keys work too.
    let adminKey: String?

    /// The caller's access; 401 without a key or with an unknown one.
    func access(_ header: String?) async throws -> Access {
        guard let header, header.hasPrefix("Bearer ") else { throw PlatformError.missingKey }
        let secret = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        guard !secret.isEmpty else { throw PlatformError.missingKey }
        if let adminKey, Self.equal(secret, adminKey) { return .admin }
        guard let record = try await store.authenticate(secret) else { throw PlatformError.unknownKey }
        switch record.scope {
        case .admin: return .admin
        case .agent(let id): return .agent(id)
        }
    }

    /// The admin, or 403 for an agent key.
    func admin(_ header: String?) async throws {
        guard case .agent = try await access(header) else { return }
        throw PlatformError.forbidden(
            "This key belongs to one agent and cannot manage agents, keys or files; use the admin key.")
    }

    /// Access to the agent `id`, or 403 for another agent's key.
    func agent(_ id: String, _ header: String?) async throws -> Access {
        let access = try await access(header)
        guard access.allows(agent: id) else {
            throw PlatformError.forbidden("This key belongs to another agent; use a key made for '\(id)' or the admin key.")
        }
        return access
    }

    /// Compares without stopping at the first difference.
    static func equal(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
