import EmergentCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import EmergentEval

/// Nothing an episode does reaches the host or another episode, and the sandbox has no network.
@Suite struct OSIsolationTests {
    let env = OSEnvironment()

    static func run(_ episode: any Episode, _ code: String) async throws -> String {
        let outcome = try await episode.step(OSSandboxTests.bash(code))
        return outcome.observation.replacingOccurrences(of: "The output of the OS:\n\n", with: "")
    }

    static func host(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func canaryNeverReachesTheHostOrTheNextEpisode() async throws {
        let name = "emergent-canary-\(UUID().uuidString.lowercased())"
        let content = "canary-content-\(UUID().uuidString.lowercased())"
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-marker")
        try "".write(to: marker, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: marker) }
        try await Task.sleep(for: .milliseconds(20))
        let dirs = ["/root", "/tmp", "/usr", "/usr/local/bin", "/etc", "/home", "/var", "/opt", "/var/tmp"]
        let task = try OSSandboxTests.task()
        let first = try await env.makeEpisode(for: task, mode: .text)
        _ = try await first.start()
        let control = try #require(await (first as? OSEpisode)?.controlDirectory)
        #expect(FileManager.default.fileExists(atPath: control.path))
        let writes = dirs.map { "echo \(content) > \($0)/\(name) && echo wrote-\($0)" }.joined(separator: "\n")
        let written = try await Self.run(first, writes)
        for dir in dirs { #expect(written.contains("wrote-\(dir)\n") || written.hasSuffix("wrote-\(dir)")) }
        let readBack = try await Self.run(first, "cat /etc/\(name) /usr/\(name) /root/\(name)")
        #expect(readBack == [content, content, content].joined(separator: "\n"))
        // Attempts to escape the read-only parts.
        let escape = try await Self.run(first, """
            echo x > /usr/bin/\(name) 2>/dev/null && echo ESCAPED-usr-bin
            echo x >> /run/.host-etc/passwd 2>/dev/null && echo ESCAPED-host-etc
            mount -o remount,rw /usr/bin 2>/dev/null && echo ESCAPED-remount
            unshare -U -r true 2>/dev/null && echo ESCAPED-userns
            echo done
            """)
        #expect(!escape.contains("ESCAPED"))
        #expect(escape.hasSuffix("done"))
        // A second episode, open at the same time, sees none of it.
        let second = try await env.makeEpisode(for: task, mode: .functions)
        _ = try await second.start()
        let look = try await Self.run(second, dirs.map { "test -e \($0)/\(name) && echo SEEN-\($0)" }.joined(separator: "\n")
                                        + "\ngrep -rsl \(content) /root /tmp /etc /home /var /opt /usr/local; echo clean")
        #expect(look == "clean")
        await second.close()
        await first.close()
        #expect(!FileManager.default.fileExists(atPath: control.path))
        for dir in dirs {
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/\(name)"), "\(dir)/\(name) is on the host")
        }
        #expect(!FileManager.default.fileExists(atPath: "/usr/bin/\(name)"))
        // No host file changed since the episode began holds the canary's content (three levels deep, where the
        // episode wrote).
        let found = try Self.host(["find", "/root", "/tmp", "/usr", "/etc", "/home", "/var", "/opt", "-xdev",
                                   "-maxdepth", "3", "-type", "f", "-newer", marker.path, "-size", "-20M", "-exec", "grep", "-lF",
                                   content, "{}", "+"])
        #expect(found.isEmpty, "host files with the canary: \(found)")
    }

    @Test func noNetworkInside() async throws {
        // A real listener on the host's loopback, reachable from the host.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(listener >= 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(bound == 0)
        #expect(listen(listener, 8) == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        let fromHost = try Self.host(["bash", "-c", "echo hi > /dev/tcp/127.0.0.1/\(port) && echo CONNECTED"])
        #expect(fromHost.contains("CONNECTED"))

        let episode = try await env.makeEpisode(for: try OSSandboxTests.task(), mode: .text)
        _ = try await episode.start()
        let inside = try await Self.run(episode, """
            timeout 3 bash -c 'echo hi > /dev/tcp/127.0.0.1/\(port)' 2>/dev/null && echo CONNECTED || echo BLOCKED
            getent hosts example.com >/dev/null && echo RESOLVED || echo NO-DNS
            """)
        #expect(inside == "BLOCKED\nNO-DNS")
        await episode.close()
    }

    @Test func closeEndsEveryProcessAndIsIdempotent() async throws {
        let episode = try await env.makeEpisode(for: try OSSandboxTests.task(), mode: .text)
        _ = try await episode.start()
        let tag = "emergent-\(UUID().uuidString.prefix(8))"
        _ = try await Self.run(episode, "(exec -a \(tag) sleep 600) &\nsleep 0.2")
        #expect(try Self.host(["pgrep", "-f", tag]).isEmpty == false)
        await episode.close()
        await episode.close()
        try await Task.sleep(for: .milliseconds(300))
        #expect(try Self.host(["pgrep", "-f", tag]).isEmpty)
    }
    @Test func hostSecretsStayHidden() async throws {
        let episode = try await env.makeEpisode(for: try OSSandboxTests.task(), mode: .text)
        _ = try await episode.start()
        let out = try await Self.run(episode, """
            test -e /run/.host-etc/shadow && echo LEAK-shadow
            ls /etc/ssh /run/.host-etc/ssh 2>/dev/null | grep -q key && echo LEAK-keys
            cut -d: -f2 /etc/shadow | sort -u
            grep -c '^root:' /etc/passwd
            """)
        #expect(out == "*\n1")
        await episode.close()
    }

    @Test func outputFilesAreNotFollowedOutOfTheSandbox() async throws {
        let os = OSTask(description: "links", evaluation: OSEvaluation(check: [nil, OSScript(builtin: "string-match")],
                                                                         example: OSScript(code: "echo hello")))
        let task = try os.evalTask(id: "os-links")
        let episode = try await env.makeEpisode(for: task, mode: .text)
        _ = try await episode.start()
        _ = try await Self.run(episode, "for i in $(seq 1 40); do ln -sf /etc/hostname /run/.emergent/job-$i.out; done")
        _ = try await episode.step(.text("Act: answer(hello)"))
        let grade = try await episode.grade()
        await episode.close()
        #expect(grade.reward == 0)
        let stdout = grade.details["steps"]?[0]?["stdout"]?.stringValue
        #expect(stdout == "")
    }

    @Test func exitAndStdinReadsDoNotBreakTheShell() async throws {
        let episode = try await env.makeEpisode(for: try OSSandboxTests.task(), mode: .text)
        _ = try await episode.start()
        let read = try await Self.run(episode, "read line; cat; echo read-rc=$?")
        #expect(read == "read-rc=0")
        let exited = try await Self.run(episode, "exit 3")
        #expect(exited.contains("a new shell was started"))
        let after = try await Self.run(episode, "echo $((2 + 3)) $(pwd)")
        #expect(after == "5 /root")
        await episode.close()
    }
}
