import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A bare TCP client that sends one HTTP request, reads the response until it contains a marker, then closes the
/// socket — a client that goes away mid-stream, for certain (HTTP client libraries may finish reading first).
enum HangUpClient {
    /// Returns what was read before hanging up.
    static func request(port: Int, path: String, body: String, key: String, until marker: String) throws -> String {
        // Close-on-exec: sandboxes the test process starts must not inherit (and hold open) this connection.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw TestFailure("connect() failed") }
        // Close with a reset, as a killed client does, rather than an orderly shutdown.
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        let request = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(key)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        let bytes = Array(request.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { throw TestFailure("write() failed") }
        var received = ""
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !received.contains(marker) {
            let count = read(fd, &buffer, buffer.count)
            guard count > 0 else { throw TestFailure("the server closed before '\(marker)': \(received)") }
            received += String(decoding: buffer[0..<count], as: UTF8.self)
        }
        return received
    }
}
