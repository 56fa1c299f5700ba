import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// File contents kept once per SHA-256, at `<root>/<first 2 hex digits>/<other 62>`.
///
/// Content is written to a temporary file inside the folder, flushed to disk, then renamed into place, so a blob is
/// either absent or complete, even after a crash. Saving bytes that are already there writes nothing new.
struct ContentFolder: Sendable {
    /// What was stored: the content's hash and size.
    struct Blob: Sendable {
        var sha256: String
        var bytes: Int
    }

    let root: URL
    private static let chunkSize = 1 << 20

    func url(for sha256: String) -> URL {
        root.appendingPathComponent(String(sha256.prefix(2)), isDirectory: true)
            .appendingPathComponent(String(sha256.dropFirst(2)), isDirectory: false)
    }

    /// Stores bytes held in memory.
    func store(_ content: Data) throws(StoreError) -> Blob {
        let blob = Blob(sha256: Hex.string(SHA256.hash(data: content)), bytes: content.count)
        if holds(blob) { return blob }
        let partial = try makePartialFile()
        do {
            try write(into: partial) { handle in try handle.write(contentsOf: content) }
            try moveIntoPlace(partial, as: blob)
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
        return blob
    }

    /// Stores a file from disk, reading it in chunks so large artifacts are never wholly in memory.
    func store(copying source: URL) throws(StoreError) -> Blob {
        let input: FileHandle
        do {
            input = try FileHandle(forReadingFrom: source)
        } catch {
            throw StoreError.storage("cannot read '\(source.path)' to store it: \(Self.reason(error))")
        }
        defer { try? input.close() }
        let partial = try makePartialFile()
        do {
            var hasher = SHA256()
            var bytes = 0
            try write(into: partial) { output in
                while true {
                    let chunk: Data?
                    do {
                        chunk = try input.read(upToCount: Self.chunkSize)
                    } catch {
                        throw StoreError.storage("cannot read '\(source.path)' to store it: \(Self.reason(error))")
                    }
                    guard let chunk, !chunk.isEmpty else { break }
                    hasher.update(data: chunk)
                    bytes += chunk.count
                    try output.write(contentsOf: chunk)
                }
            }
            let blob = Blob(sha256: Hex.string(hasher.finalize()), bytes: bytes)
            if holds(blob) {
                try? FileManager.default.removeItem(at: partial)
            } else {
                try moveIntoPlace(partial, as: blob)
            }
            return blob
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
    }

    /// Whether the blob is already stored whole.
    private func holds(_ blob: Blob) -> Bool {
        let attributes = try? FileManager.default.attributesOfItem(atPath: url(for: blob.sha256).path)
        return (attributes?[.size] as? NSNumber)?.intValue == blob.bytes
    }

    private func makePartialFile() throws(StoreError) -> URL {
        let partial = root.appendingPathComponent(".partial-\(UUID().uuidString)", isDirectory: false)
        guard FileManager.default.createFile(atPath: partial.path, contents: nil) else {
            throw StoreError.storage(
                "cannot create a file in the files folder '\(root.path)'; check that it exists, is writable and the "
                    + "disk has free space")
        }
        return partial
    }

    /// Writes through `body`, then flushes to disk so the rename that follows publishes complete content.
    private func write(into file: URL, _ body: (FileHandle) throws -> Void) throws(StoreError) {
        do {
            let output = try FileHandle(forWritingTo: file)
            defer { try? output.close() }
            try body(output)
            try output.synchronize()
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.storage("cannot write into the files folder '\(root.path)': \(Self.reason(error))")
        }
    }

    private func moveIntoPlace(_ partial: URL, as blob: Blob) throws(StoreError) {
        let destination = url(for: blob.sha256)
        do {
            try FileManager.default.createDirectory(
                at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw StoreError.storage(
                "cannot create '\(destination.deletingLastPathComponent().path)': \(Self.reason(error))")
        }
        // rename(2) replaces atomically; a concurrent save of the same bytes leaves the same content either way.
        guard rename(partial.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            throw StoreError.storage("cannot move stored content into place at '\(destination.path)': \(reason)")
        }
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).localizedDescription
    }
}
