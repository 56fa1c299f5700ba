import Foundation

/// A cgroup hierarchy with the kernel's pids controller that this process may create cgroups in: the directory of
/// our own cgroup there, under which each sandbox gets a child with its own `pids.max`.
struct OSPidsHierarchy: Sendable, Hashable {
    enum Version: String, Sendable, Hashable {
        /// The unified hierarchy (cgroup2); the controller must be enabled in `cgroup.subtree_control`.
        case v2
        /// A cgroup v1 hierarchy with the `pids` controller mounted.
        case v1
    }

    var version: Version
    /// Our own cgroup's directory in that hierarchy (the parent of every sandbox's cgroup).
    var directory: String

    /// What the search for a pids hierarchy found on this machine, done once per process.
    static let detected: OSPidsDetection = detect()

    /// Candidate hierarchies from `/proc/self/mountinfo` and `/proc/self/cgroup` text, best first (cgroup v2,
    /// then v1 `pids`). Nothing is checked on disk here.
    static func candidates(mountinfo: String, cgroup: String) -> [OSPidsHierarchy] {
        var unifiedPath: String?
        var pidsPath: String?
        for line in cgroup.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let controllers = fields[1].split(separator: ",")
            if fields[0] == "0", fields[1].isEmpty {
                unifiedPath = String(fields[2])
            } else if controllers.contains("pids") {
                pidsPath = String(fields[2])
            }
        }
        var unified: [OSPidsHierarchy] = []
        var legacy: [OSPidsHierarchy] = []
        for line in mountinfo.split(separator: "\n") {
            guard let mount = OSMountEntry(line: String(line)) else { continue }
            if mount.fsType == "cgroup2", let own = unifiedPath,
               let directory = mount.directory(of: own) {
                unified.append(OSPidsHierarchy(version: .v2, directory: directory))
            } else if mount.fsType == "cgroup", mount.superOptions.contains("pids"), let own = pidsPath,
                      let directory = mount.directory(of: own) {
                legacy.append(OSPidsHierarchy(version: .v1, directory: directory))
            }
        }
        return unified + legacy
    }

    /// Finds the first candidate that is usable here: v2 only when its `cgroup.controllers` lists `pids` and
    /// the controller is (or can be) enabled for our children; v1 when our cgroup's directory is writable.
    static func detect() -> OSPidsDetection {
        let mountinfo = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        let cgroup = (try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)) ?? ""
        let found = candidates(mountinfo: mountinfo, cgroup: cgroup)
        if found.isEmpty {
            return OSPidsDetection(hierarchy: nil, note: "no cgroup hierarchy with the pids controller is mounted")
        }
        var problems: [String] = []
        for candidate in found {
            if let problem = candidate.problem() {
                problems.append("\(candidate.version.rawValue) \(candidate.directory): \(problem)")
            } else {
                return OSPidsDetection(hierarchy: candidate, note: "pids controller (cgroup \(candidate.version.rawValue)) "
                                       + "at \(candidate.directory)")
            }
        }
        return OSPidsDetection(hierarchy: nil, note: problems.joined(separator: "; "))
    }

    /// Why this hierarchy cannot hold the sandboxes' cgroups, or nil when it can.
    func problem() -> String? {
        guard access(directory, W_OK) == 0 else { return "not writable by this user" }
        switch version {
        case .v1:
            let procs = directory + "/cgroup.procs"
            guard FileManager.default.fileExists(atPath: procs) else { return "no cgroup.procs" }
            return nil
        case .v2:
            let controllers = (try? String(contentsOfFile: directory + "/cgroup.controllers", encoding: .utf8)) ?? ""
            guard controllers.split(whereSeparator: \.isWhitespace).contains("pids") else {
                return "the pids controller is not available in this cgroup"
            }
            if Self.subtreeHasPids(directory) { return nil }
            // Only possible where our cgroup holds no process itself (or is the root): the kernel refuses
            // otherwise, and we do not move this process elsewhere.
            guard OSCgroupFiles.write("+pids", to: directory + "/cgroup.subtree_control"), Self.subtreeHasPids(directory)
            else { return "cannot enable +pids in cgroup.subtree_control (our cgroup holds processes)" }
            return nil
        }
    }

    private static func subtreeHasPids(_ directory: String) -> Bool {
        let text = (try? String(contentsOfFile: directory + "/cgroup.subtree_control", encoding: .utf8)) ?? ""
        return text.split(whereSeparator: \.isWhitespace).contains("pids")
    }
}

/// The outcome of the search for a pids hierarchy: the hierarchy, or nil and why there is none.
struct OSPidsDetection: Sendable, Hashable {
    var hierarchy: OSPidsHierarchy?
    /// Where the limit is enforced, or why it cannot be.
    var note: String
}

/// One line of `/proc/self/mountinfo`: the mounted hierarchy's root, the mount point, the file system type and
/// its super options.
struct OSMountEntry: Sendable, Hashable {
    var root: String
    var mountPoint: String
    var fsType: String
    var superOptions: [String]

    init?(line: String) {
        let halves = line.components(separatedBy: " - ")
        guard halves.count >= 2 else { return nil }
        let left = halves[0].split(separator: " ")
        let right = halves[1].split(separator: " ")
        guard left.count >= 5, right.count >= 3 else { return nil }
        root = Self.unescape(String(left[3]))
        mountPoint = Self.unescape(String(left[4]))
        fsType = String(right[0])
        superOptions = right[2].split(separator: ",").map(String.init)
    }

    /// The directory of cgroup `path` (as in /proc/self/cgroup) under this mount, or nil when the mount does not
    /// show it.
    func directory(of path: String) -> String? {
        let base = root == "/" ? "" : root
        guard path == root || path.hasPrefix(base + "/") else { return nil }
        let relative = String(path.dropFirst(base.count))
        let mount = mountPoint.hasSuffix("/") ? String(mountPoint.dropLast()) : mountPoint
        return relative == "/" || relative.isEmpty ? (mount.isEmpty ? "/" : mount) : mount + relative
    }

    /// mountinfo writes space, tab, newline and backslash as octal escapes (`\040`).
    static func unescape(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var bytes: [UInt8] = []
        let source = Array(text.utf8)
        var index = 0
        while index < source.count {
            if source[index] == UInt8(ascii: "\\"), index + 3 < source.count,
               let value = UInt8(String(decoding: source[(index + 1)...(index + 3)], as: UTF8.self), radix: 8) {
                bytes.append(value)
                index += 4
            } else {
                bytes.append(source[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Small helpers to read and write cgroup control files.
enum OSCgroupFiles {
    /// Writes `text` to an existing control file (no create, no truncate games); false when the kernel refuses.
    static func write(_ text: String, to path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        return written == bytes.count
    }

    /// The pids listed in a `cgroup.procs` file (empty when it cannot be read).
    static func pids(in path: String) -> [Int32] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(whereSeparator: \.isWhitespace).compactMap { Int32($0) }
    }
}

/// One sandbox's own cgroup: created with a `pids.max`, joined by the sandbox's first process before it can
/// fork (every descendant inherits it), emptied and removed at close.
struct OSProcessCgroup: Sendable, Hashable {
    var hierarchy: OSPidsHierarchy
    /// The cgroup's directory, `<our cgroup>/emergent-os-<random hex>`.
    var directory: String

    var procsFile: String { directory + "/cgroup.procs" }

    /// Creates a uniquely named cgroup with `pids.max` set; throws a message when the kernel refuses.
    static func create(in hierarchy: OSPidsHierarchy, maxProcesses: Int) throws(OSProcessLimitError) -> OSProcessCgroup {
        let name = "emergent-os-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let directory = hierarchy.directory + "/" + name
        guard mkdir(directory, 0o755) == 0 else {
            throw OSProcessLimitError("cannot create the cgroup \(directory): \(String(cString: strerror(errno)))")
        }
        let cgroup = OSProcessCgroup(hierarchy: hierarchy, directory: directory)
        guard OSCgroupFiles.write(String(maxProcesses), to: directory + "/pids.max") else {
            rmdir(directory)
            throw OSProcessLimitError("cannot set pids.max in \(directory)")
        }
        return cgroup
    }

    /// Whether `pid` is in this cgroup.
    func contains(_ pid: Int32) -> Bool {
        OSCgroupFiles.pids(in: procsFile).contains(pid)
    }

    /// Kills every process in the cgroup (`cgroup.kill` on v2 where the kernel has it, else SIGKILL to each
    /// listed pid until none is left) and removes the directory, retrying for up to `seconds`. Returns whether the
    /// directory is gone.
    @discardableResult
    func destroy(within seconds: Double = 5) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        let killFile = directory + "/cgroup.kill"
        let canKillAll = hierarchy.version == .v2 && FileManager.default.fileExists(atPath: killFile)
        while true {
            if canKillAll { _ = OSCgroupFiles.write("1", to: killFile) }
            for pid in OSCgroupFiles.pids(in: procsFile) where pid > 1 {
                kill(pid, SIGKILL)
            }
            if rmdir(directory) == 0 || errno == ENOENT { return true }
            if Date() >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// Why a sandbox's process limit could not be set up.
struct OSProcessLimitError: Error, Sendable, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
