import EmergentTools
import Foundation
import Testing

@Suite("SSRF guard: address classification and allow list")
struct NetworkPolicyTests {
    @Test(
        "non-public addresses are refused",
        arguments: [
            ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("::1", "loopback"),
            ("10.0.0.1", "private"), ("10.255.1.2", "private"), ("172.16.0.1", "private"), ("172.31.255.1", "private"),
            ("192.168.1.1", "private"), ("fc00::1", "private (unique local)"),
            ("fd12:3456::1", "private (unique local)"),
            ("169.254.1.1", "link-local"), ("fe80::1", "link-local"), ("169.254.169.254", "cloud-metadata"),
            ("fd00:ec2::254", "cloud-metadata"), ("0.0.0.0", "unspecified"), ("::", "unspecified"),
            ("100.64.0.1", "shared (CGNAT)"), ("100.127.255.254", "shared (CGNAT)"), ("224.0.0.1", "multicast"),
            ("ff02::1", "multicast"), ("255.255.255.255", "broadcast"), ("::ffff:127.0.0.1", "loopback"),
            ("::ffff:10.1.1.1", "private"),
        ])
    func refused(address: String, reason: String) throws {
        let parsed = try #require(IPAddress(literal: address))
        #expect(parsed.blockReason == reason)
    }

    @Test(
        "public addresses pass",
        arguments: ["8.8.8.8", "93.184.216.34", "172.32.0.1", "100.128.0.1", "2606:4700::1111"])
    func publicAddresses(address: String) throws {
        #expect(try #require(IPAddress(literal: address)).blockReason == nil)
    }

    @Test(
        "URLs on blocked addresses are refused before any connection",
        arguments: [
            "http://10.0.0.1/", "http://10.200.3.4:8080/admin", "http://169.254.169.254/latest/meta-data/",
            "http://[fd00:ec2::254]/", "http://metadata.google.internal/computeMetadata/v1/", "http://127.0.0.1:9/",
            "http://localhost:9/", "http://[::1]:9/", "http://0.0.0.0/", "http://2130706433/",
        ])
    func blockedURLs(url: String) async throws {
        let policy = NetworkPolicy()
        await #expect {
            try await policy.check(try #require(URL(string: url)))
        } throws: { error in
            guard case BrowserError.addressBlocked = error else { return false }
            return true
        }
    }

    @Test(
        "non-http schemes are refused",
        arguments: ["file:///etc/passwd", "ftp://example.org/x", "gopher://example.org/"])
    func schemes(url: String) async throws {
        await #expect {
            try await NetworkPolicy().check(try #require(URL(string: url)))
        } throws: { error in
            guard case BrowserError.schemeNotAllowed = error else { return false }
            return true
        }
    }

    @Test("allow-list entries match a host on any port, or a host and one port")
    func allowList() async throws {
        let policy = NetworkPolicy(allowedHosts: ["localhost", "127.0.0.1:8080", "[::1]:9000"])
        #expect(policy.isAllowed(host: "LOCALHOST", port: 1234))
        #expect(policy.isAllowed(host: "127.0.0.1", port: 8080))
        #expect(!policy.isAllowed(host: "127.0.0.1", port: 8081))
        #expect(policy.isAllowed(host: "::1", port: 9000))
        try await policy.check(try #require(URL(string: "http://127.0.0.1:8080/")))
        await #expect(throws: BrowserError.self) {
            try await policy.check(try #require(URL(string: "http://127.0.0.1:8081/")))
        }
    }
}
