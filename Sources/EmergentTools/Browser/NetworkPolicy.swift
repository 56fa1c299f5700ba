import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The browser's SSRF guard: which URLs it may fetch.
///
/// Only `http` and `https` are fetched. The host is resolved with `getaddrinfo` (on a dispatch queue, not the
/// cooperative pool) and *every* address it resolves to is checked; if any is loopback, private (10/8,
/// 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16, fe80::/10), unspecified, CGNAT (100.64/10),
/// multicast, broadcast, reserved, or a cloud-metadata address (169.254.169.254, fd00:ec2::254,
/// `metadata.google.internal`), the URL is refused. IPv4-mapped IPv6 addresses are checked as IPv4.
///
/// Hosts in ``allowedHosts`` (`host` for any port, `host:port` for one port) skip the address check; that is
/// how a local SearXNG or a test server is reached. An entry that is an address (`127.0.0.1:8080`) also admits
/// names that resolve to it. The fetcher checks every redirect hop again.
///
/// ``check(_:)`` returns the address it checked, and ``PageFetcher`` connects to exactly that address (through
/// AsyncHTTPClient's `dnsOverride`, which keeps the name for TLS SNI and certificate checks), so a DNS server
/// that answers differently the second time (DNS rebinding) cannot steer the request elsewhere. Names on the
/// allow list are not pinned: they are resolved again when connecting.
public struct NetworkPolicy: Sendable {
    /// Resolves a host name to its addresses.
    public typealias Resolver = @Sendable (String) async throws(BrowserError) -> [IPAddress]

    /// Entries `host` or `host:port`, compared case-insensitively; IPv6 hosts may be written with brackets.
    public var allowedHosts: [String]
    private let resolver: Resolver?

    /// A policy with this allow list; `resolver` replaces `getaddrinfo` (for tests).
    public init(allowedHosts: [String] = [], resolver: Resolver? = nil) {
        self.allowedHosts = allowedHosts
        self.resolver = resolver
    }

    /// Host names that are metadata endpoints whatever they resolve to.
    static let metadataHosts: Set<String> = ["metadata.google.internal", "metadata", "instance-data"]

    /// Throws ``BrowserError`` unless `url` may be fetched. Returns the checked address to connect to when the
    /// host is a name that was resolved here, nil when it is an address or on the allow list.
    @discardableResult
    public func check(_ url: URL) async throws(BrowserError) -> IPAddress? {
        guard let scheme = url.scheme?.lowercased() else { throw .invalidURL(url.absoluteString) }
        guard scheme == "http" || scheme == "https" else {
            throw .schemeNotAllowed(url: url.absoluteString, scheme: scheme)
        }
        guard let rawHost = url.host, !rawHost.isEmpty else { throw .invalidURL(url.absoluteString) }
        let host = Self.normalize(rawHost)
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        if isAllowed(host: host, port: port) { return nil }
        if Self.metadataHosts.contains(host) || host.hasSuffix(".metadata.google.internal") {
            throw .addressBlocked(url: url.absoluteString, address: host, reason: "cloud-metadata")
        }
        let literal = IPAddress(literal: host)
        let addresses: [IPAddress]
        if let literal {
            addresses = [literal]
        } else if let resolver {
            addresses = try await resolver(host)
        } else {
            addresses = try await Self.resolve(host)
        }
        guard let first = addresses.first else { throw .resolutionFailed(host: host, detail: "no addresses") }
        for address in addresses {
            if let reason = address.blockReason, !isAllowed(host: address.description, port: port) {
                throw .addressBlocked(url: url.absoluteString, address: address.description, reason: reason)
            }
        }
        return literal == nil ? first : nil
    }

    /// Whether the allow list names this host (any port) or this host and port.
    public func isAllowed(host: String, port: Int) -> Bool {
        let host = Self.normalize(host)
        let address = IPAddress(literal: host)
        for entry in allowedHosts {
            let entry = entry.trimmingCharacters(in: .whitespaces).lowercased()
            let (entryHost, entryPort) = Self.split(entry)
            guard entryPort == nil || entryPort == port else { continue }
            // Addresses compare by value, so `::1` matches `0:0:0:0:0:0:0:1`.
            if entryHost == host || (address != nil && IPAddress(literal: entryHost) == address) { return true }
        }
        return false
    }

    /// `host` or `host:port`, with IPv6 in brackets (`[::1]:8080`); bare IPv6 has no port.
    static func split(_ entry: String) -> (String, Int?) {
        if entry.hasPrefix("["), let close = entry.firstIndex(of: "]") {
            let host = String(entry[entry.index(after: entry.startIndex)..<close])
            let rest = entry[entry.index(after: close)...]
            if rest.hasPrefix(":"), let port = Int(rest.dropFirst()) { return (host, port) }
            return (host, nil)
        }
        let colons = entry.filter { $0 == ":" }.count
        if colons == 1, let colon = entry.firstIndex(of: ":"), let port = Int(entry[entry.index(after: colon)...]) {
            return (String(entry[..<colon]), port)
        }
        return (entry, nil)
    }

    static func normalize(_ host: String) -> String {
        var host = host.lowercased()
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.hasSuffix(".") { host = String(host.dropLast()) }
        return host
    }

    /// Every address `host` resolves to (a literal address is returned as is).
    static func resolve(_ host: String) async throws(BrowserError) -> [IPAddress] {
        if let literal = IPAddress(literal: host) { return [literal] }
        let result: Result<[IPAddress], BrowserError> = await withCheckedContinuation { continuation in
            resolverQueue.async { continuation.resume(returning: resolveBlocking(host)) }
        }
        return try result.get()
    }

    private static let resolverQueue = DispatchQueue(label: "emergent.browser.dns", attributes: .concurrent)

    private static func resolveBlocking(_ host: String) -> Result<[IPAddress], BrowserError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Darwin)
            hints.ai_socktype = SOCK_STREAM
        #else
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let first = list else {
            let detail = String(cString: gai_strerror(status))
            return .failure(.resolutionFailed(host: host, detail: detail))
        }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        var current: UnsafeMutablePointer<addrinfo>? = first
        while let entry = current {
            if let address = entry.pointee.ai_addr, let parsed = IPAddress(socketAddress: address) {
                addresses.append(parsed)
            }
            current = entry.pointee.ai_next
        }
        guard !addresses.isEmpty else { return .failure(.resolutionFailed(host: host, detail: "no addresses")) }
        return .success(addresses)
    }
}
