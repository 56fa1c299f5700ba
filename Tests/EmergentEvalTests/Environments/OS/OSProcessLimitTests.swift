import EmergentCore
import Foundation
import Testing
@testable import EmergentEval

/// The per-episode process limit (cgroup pids controller): fork bombs stay inside, cgroups never outlive episodes,
/// and machines without the controller still run episodes.
@Suite(.serialized) struct OSProcessLimitTests {
    static let hasPidsController = OSPidsHierarchy.detected.hierarchy != nil
    static let skipReason = Comment(rawValue: "no writable cgroup pids controller on this machine (needs root or a "
        + "delegated cgroup), so a fork bomb could not be contained and is not run")

    static func hostProcessCount() -> Int {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { !$0.isEmpty && $0.allSatisfy(\.isNumber) }.count
    }

    static func episode(_ env: OSEnvironment) async throws -> OSEpisode {
        let episode = try #require(try await env.makeEpisode(for: try OSSandboxTests.task(), mode: .text) as? OSEpisode)
        _ = try await episode.start()
        return episode
    }

    static func run(_ episode: OSEpisode, _ code: String) async throws -> String {
        try await OSIsolationTests.run(episode, code)
    }

    /// Pids in a cgroup that still belong to it (a pid may be reused by an unrelated process later).
    static func members(of cgroup: String, among pids: [Int32]) -> [Int32] {
        let name = (cgroup as NSString).lastPathComponent
        return pids.filter { pid in
            let text = (try? String(contentsOfFile: "/proc/\(pid)/cgroup", encoding: .utf8)) ?? ""
            return text.contains(name)
        }
    }

    @Test func mountTablesGiveV2ThenV1Candidates() {
        let hybrid = """
            35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
            39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
            41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
            """
        let hybridCgroup = "8:pids:/ci/job\n4:memory:/x\n0::/ci\n"
        #expect(OSPidsHierarchy.candidates(mountinfo: hybrid, cgroup: hybridCgroup) == [
            OSPidsHierarchy(version: .v2, directory: "/sys/fs/cgroup/unified/ci"),
            OSPidsHierarchy(version: .v1, directory: "/sys/fs/cgroup/pids/ci/job"),
        ])
        // A pure cgroup2 machine, and a container whose cgroup namespace shows a sub-tree as the mount's root.
        let pure = "30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n"
        #expect(OSPidsHierarchy.candidates(mountinfo: pure, cgroup: "0::/user.slice/session-1.scope\n")
                == [OSPidsHierarchy(version: .v2, directory: "/sys/fs/cgroup/user.slice/session-1.scope")])
        #expect(OSPidsHierarchy.candidates(mountinfo: pure, cgroup: "0::/\n")
                == [OSPidsHierarchy(version: .v2, directory: "/sys/fs/cgroup")])
        let nested = "30 23 0:26 /docker/abc /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"
        #expect(OSPidsHierarchy.candidates(mountinfo: nested, cgroup: "0::/docker/abc/inner\n")
                == [OSPidsHierarchy(version: .v2, directory: "/sys/fs/cgroup/inner")])
        #expect(OSPidsHierarchy.candidates(mountinfo: nested, cgroup: "0::/elsewhere\n").isEmpty)
        let spaced = #"39 31 0:36 / /mnt/my\040cgroups rw - cgroup cgroup rw,pids,cpu"#
        #expect(OSPidsHierarchy.candidates(mountinfo: spaced, cgroup: "3:cpu,pids:/\n")
                == [OSPidsHierarchy(version: .v1, directory: "/mnt/my cgroups")])
        // No pids controller anywhere.
        let none = "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
        #expect(OSPidsHierarchy.candidates(mountinfo: none, cgroup: "4:memory:/\n").isEmpty)
    }

    @Test(.enabled(if: hasPidsController, skipReason), .timeLimit(.minutes(2)))
    func forkBombIsContained() async throws {
        let limit = 64
        let env = OSEnvironment(limits: OSSandboxLimits(commandTimeout: 3, scriptTimeout: 5, maxProcesses: limit))
        #expect(env.processLimitEnforced)
        let episode = try await Self.episode(env)
        defer { Task { await episode.close() } }
        try #require(await episode.processLimitEnforced)
        let cgroup = try #require(await episode.processCgroup)
        // Never start the bomb unless the limit is really in place for this sandbox's shell.
        try #require(String(contentsOfFile: cgroup + "/pids.max", encoding: .utf8)
                        .trimmingCharacters(in: .whitespacesAndNewlines) == String(limit))
        try #require(OSCgroupFiles.pids(in: cgroup + "/cgroup.procs").count >= 3)
        let baseline = Self.hostProcessCount()
        let started = try await Self.run(episode, "( :(){ :|:& };: ) 2>/tmp/bomb.err >/dev/null &\necho started")
        #expect(started == "started")
        var peak = baseline
        var members: Set<Int32> = []
        for _ in 0..<25 {
            peak = max(peak, Self.hostProcessCount())
            members.formUnion(OSCgroupFiles.pids(in: cgroup + "/cgroup.procs"))
            try await Task.sleep(for: .milliseconds(80))
        }
        #expect(peak - baseline <= limit + 50, "the host went from \(baseline) to \(peak) processes")
        // The bomb really ran into the limit (the controller counted refused forks)...
        let events = try String(contentsOfFile: cgroup + "/pids.events", encoding: .utf8)
        let refused = events.split(separator: "\n").first { $0.hasPrefix("max ") }.flatMap { Int($0.dropFirst(4)) }
        #expect((refused ?? 0) > 0, "pids.events: \(events)")
        let current = try String(contentsOfFile: cgroup + "/pids.current", encoding: .utf8)
        #expect((Int(current.trimmingCharacters(in: .whitespacesAndNewlines)) ?? .max) <= limit)
        // ...and the shell still answers with builtins (nothing left to fork), and shows bash's fork errors.
        let alive = try await episode.step(OSSandboxTests.bash("echo ok"))
        #expect(alive.observation == "The output of the OS:\n\nok")
        let errors = try await Self.run(episode, "read -r line < /tmp/bomb.err; echo \"$line\"")
        #expect(errors.contains("fork") || errors.contains("Resource temporarily unavailable"), "\(errors)")
        members.formUnion(OSCgroupFiles.pids(in: cgroup + "/cgroup.procs"))
        #expect(!members.isEmpty)
        await episode.close()
        #expect(!FileManager.default.fileExists(atPath: cgroup), "\(cgroup) is left behind")
        #expect(Self.members(of: cgroup, among: Array(members)).isEmpty)
        #expect(Self.hostProcessCount() < baseline + 40)
    }

    @Test(.enabled(if: hasPidsController, skipReason), .timeLimit(.minutes(1)))
    func concurrentEpisodesGetTheirOwnCgroups() async throws {
        let env = OSEnvironment(limits: OSSandboxLimits(maxProcesses: 64))
        async let first = Self.episode(env)
        async let second = Self.episode(env)
        let episodes = try await [first, second]
        defer { Task { for episode in episodes { await episode.close() } } }
        var cgroups: [String] = []
        for episode in episodes { cgroups.append(try #require(await episode.processCgroup)) }
        #expect(cgroups[0] != cgroups[1])
        var pids: [Int32] = []
        for (episode, cgroup) in zip(episodes, cgroups) {
            #expect(FileManager.default.fileExists(atPath: cgroup))
            #expect((cgroup as NSString).lastPathComponent.hasPrefix("emergent-os-"))
            _ = try await Self.run(episode, "sleep 600 &\nsleep 600 &")
            let inside = OSCgroupFiles.pids(in: cgroup + "/cgroup.procs")
            #expect(inside.count >= 5, "\(inside)")
            pids += inside
        }
        // The two sandboxes' processes are disjoint.
        #expect(Set(pids).count == pids.count)
        for episode in episodes { await episode.close() }
        for cgroup in cgroups {
            #expect(!FileManager.default.fileExists(atPath: cgroup), "\(cgroup) is left behind")
            #expect(Self.members(of: cgroup, among: pids).isEmpty)
        }
        let leftovers = try FileManager.default.contentsOfDirectory(
            atPath: ((cgroups[0] as NSString).deletingLastPathComponent))
        for cgroup in cgroups { #expect(!leftovers.contains((cgroup as NSString).lastPathComponent)) }
    }

    @Test func withoutALimitEpisodesStillWorkAndSaySo() async throws {
        let env = OSEnvironment(limits: OSSandboxLimits(maxProcesses: 0))
        #expect(!env.processLimitEnforced)
        let episode = try await Self.episode(env)
        #expect(await !episode.processLimitEnforced)
        #expect(await episode.processCgroup == nil)
        #expect(try await Self.run(episode, "echo $((6 * 7))") == "42")
        _ = try await episode.step(.text("Act: answer(x)"))
        let grade = try await episode.grade()
        #expect(grade.reward == 1)
        #expect(grade.details["process_limit"]?.stringValue?.contains("maxProcesses is 0") == true)
        await episode.close()
    }
}
