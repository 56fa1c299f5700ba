import EmergentStore
import Foundation
import Testing

@Suite("Files")
struct FileStoreTests {
    @Test("the same bytes saved twice are one blob on disk and two records")
    func sameBytesOneBlob() async throws {
        try await TemporaryHome.withStore { store, home in
            let content = Data("hello, files\n".utf8)
            let first = try await store.saveFile(
                content, filename: "a.txt", contentType: "text/plain", purpose: "input")
            let second = try await store.saveFile(
                content, filename: "b.txt", contentType: "text/markdown", purpose: "knowledge")
            #expect(first.id != second.id)
            #expect(first.id.wholeMatch(of: /file-[0-9a-f]{24}/) != nil, "\(first.id)")
            #expect(first.sha256 == second.sha256)
            #expect(first.bytes == content.count)
            #expect(store.contentURL(of: first) == store.contentURL(of: second))
            #expect(
                store.contentURL(of: first).path
                    == home.url.appendingPathComponent("files/\(first.sha256.prefix(2))/\(first.sha256.dropFirst(2))")
                    .path)
            #expect(home.files(under: store.filesDirectory).count == 1)
            #expect(try Data(contentsOf: store.contentURL(of: first)) == content)
            #expect(try await store.file(first.id) == first)
            #expect(try await store.file(second.id)?.filename == "b.txt")
            #expect(try await store.file("file-000000000000000000000000") == nil)
        }
    }

    @Test("the stored name of content is its SHA-256")
    func contentIsNamedByHash() async throws {
        try await TemporaryHome.withStore { store, _ in
            let file = try await store.saveFile(
                Data("abc".utf8), filename: "abc", contentType: "text/plain", purpose: "input")
            // SHA-256("abc") from FIPS 180-2.
            #expect(file.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        }
    }

    @Test("a file copied in from disk is stored whole and shares a blob with the same bytes")
    func copyingFromDisk() async throws {
        try await TemporaryHome.withStore { store, home in
            var generator = SystemRandomNumberGenerator()
            let content = Data((0..<(3 << 20) + 12345).map { _ in UInt8.random(in: 0...255, using: &generator) })
            let source = home.url.appendingPathComponent("chart.bin")
            try content.write(to: source)
            let copied = try await store.saveFile(
                copying: source, filename: "chart.bin", contentType: "application/octet-stream", purpose: "artifact")
            #expect(copied.bytes == content.count)
            #expect(try Data(contentsOf: store.contentURL(of: copied)) == content)
            let again = try await store.saveFile(
                content, filename: "same.bin", contentType: "application/octet-stream", purpose: "input")
            #expect(again.sha256 == copied.sha256)
            let copiedAgain = try await store.saveFile(
                copying: source, filename: "chart.bin", contentType: "application/octet-stream", purpose: "artifact")
            #expect(copiedAgain.sha256 == copied.sha256)
            #expect(home.files(under: store.filesDirectory).count == 1)
            #expect(FileManager.default.fileExists(atPath: source.path))
        }
    }

    @Test("copying a file that is not there fails with its path")
    func copyingMissingFile() async throws {
        try await TemporaryHome.withStore { store, home in
            let missing = home.url.appendingPathComponent("nowhere.png")
            let error = await storeError {
                _ = try await store.saveFile(
                    copying: missing, filename: "x", contentType: "image/png", purpose: "artifact")
            }
            guard case .storage(let message) = error else {
                Issue.record("expected a storage error, got \(String(describing: error))")
                return
            }
            #expect(message.contains(missing.path))
            #expect(home.files(under: store.filesDirectory).isEmpty)
        }
    }
}
