import AsyncHTTPClient
import EmergentTools
import Foundation
import Logging

/// Paths and contexts shared by the tools tests.
enum TestSupport {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures", isDirectory: true)
    static let site = fixtures.appendingPathComponent("site", isDirectory: true)
    static let knowledge = fixtures.appendingPathComponent("knowledge", isDirectory: true)

    static func context(_ conversation: String = "c1", sources: SourceRegistry = SourceRegistry()) -> ToolContext {
        ToolContext(
            conversationID: conversation, runID: "r1", workDirectory: FileManager.default.temporaryDirectory,
            sources: sources)
    }

    /// Runs `body` with `client` and shuts the client down afterwards, also when `body` throws.
    static func withClient<T>(_ client: HTTPClient, _ body: (HTTPClient) async throws -> T) async throws -> T {
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// ``withClient(_:_:)`` with the browser's own client (no automatic redirects).
    static func withBrowserClient<T>(_ body: (HTTPClient) async throws -> T) async throws -> T {
        try await withClient(BrowserProvider.makeClient(), body)
    }

    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "emergent-tools-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}

/// A search provider that returns fixed hits (for browser tests that do not exercise search).
struct StaticSearchProvider: SearchProvider {
    let name = "static"
    var hits: [SearchHit] = []

    func search(_ query: String, recencyDays: Int?, limit: Int) async throws(BrowserError) -> [SearchHit] {
        Array(hits.prefix(limit))
    }
}
