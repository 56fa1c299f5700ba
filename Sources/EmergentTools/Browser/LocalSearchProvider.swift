import Foundation
import GRDB
import Synchronization

/// Searches a folder of HTML, Markdown and text files, indexed with SQLite FTS5 and ranked by BM25, for offline
/// and private use (and tests).
///
/// Results' URLs are `file://` URLs of the files, or `baseURL` plus the file's relative path when one is set;
/// either way ``localDocument(for:)`` reads the file back, so results can be opened without any network. Titles
/// weigh five times the body in the ranking. The index lives in memory and is built by ``open(folder:baseURL:)``
/// (call ``reindex()`` after the folder changes).
public final class LocalSearchProvider: SearchProvider {
    public let name = "local"
    public let folder: URL
    public let baseURL: URL?
    private let database: DatabaseQueue
    private let urls: Mutex<[String: String]>

    /// File extensions indexed, by how they are read.
    public static let htmlExtensions: Set<String> = ["html", "htm", "xhtml"]
    public static let textExtensions: Set<String> = ["md", "markdown", "txt", "text"]

    private init(folder: URL, baseURL: URL?, database: DatabaseQueue) {
        self.folder = folder
        self.baseURL = baseURL
        self.database = database
        self.urls = Mutex([:])
    }

    /// Indexes `folder` (recursively) and returns the provider.
    public static func open(folder: URL, baseURL: URL? = nil) async throws(BrowserError) -> LocalSearchProvider {
        let database: DatabaseQueue
        do {
            database = try DatabaseQueue()
            try await database.write { db in
                try db.execute(
                    sql: """
                        CREATE VIRTUAL TABLE pages USING fts5(
                            url UNINDEXED, path UNINDEXED, modified UNINDEXED, title, body,
                            tokenize = 'porter unicode61')
                        """)
            }
        } catch {
            throw .index("could not create the in-memory index: \(error)")
        }
        let provider = LocalSearchProvider(folder: folder.standardizedFileURL, baseURL: baseURL, database: database)
        try await provider.reindex()
        return provider
    }

    /// Re-reads every file of the folder.
    public func reindex() async throws(BrowserError) {
        let folder = self.folder
        let baseURL = self.baseURL
        let pages: [Page] = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(returning: Self.loadPages(folder: folder, baseURL: baseURL))
            }
        }
        guard !pages.isEmpty || FileManager.default.fileExists(atPath: folder.path) else {
            throw .index("the local search folder \(folder.path) does not exist")
        }
        do {
            try await database.write { db in
                try db.execute(sql: "DELETE FROM pages")
                for page in pages {
                    try db.execute(
                        sql: "INSERT INTO pages (url, path, modified, title, body) VALUES (?, ?, ?, ?, ?)",
                        arguments: [page.url, page.path, page.modified, page.document.title, page.document.body])
                }
            }
        } catch {
            throw .index("could not index \(folder.path): \(error)")
        }
        urls.withLock { map in
            map = Dictionary(pages.map { ($0.url, $0.path) }, uniquingKeysWith: { first, _ in first })
        }
    }

    public func search(_ query: String, recencyDays: Int?, limit: Int) async throws(BrowserError) -> [SearchHit] {
        guard let expression = Self.matchExpression(query) else { return [] }
        let since = recencyDays.map { Date().timeIntervalSince1970 - Double($0) * 86_400 } ?? -Double.infinity
        do {
            return try await database.read { db in
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT url, title, modified, snippet(pages, 4, '', '', '…', 24) AS snippet
                        FROM pages WHERE pages MATCH ? AND modified >= ?
                        ORDER BY bm25(pages, 0, 0, 0, 5.0, 1.0) LIMIT ?
                        """,
                    arguments: [expression, since, limit])
                return rows.map { row in
                    let modified: Double = row["modified"]
                    return SearchHit(
                        title: row["title"], url: row["url"], snippet: row["snippet"],
                        published: ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: modified)))
                }
            }
        } catch {
            throw .index("the query '\(query)' failed: \(error)")
        }
    }

    public func localDocument(for url: String) async throws(BrowserError) -> ReadableDocument? {
        guard let path = urls.withLock({ $0[url] }) else { return nil }
        let folder = self.folder
        let page: Page? = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(
                    returning: Self.loadPage(at: URL(fileURLWithPath: path), url: url, folder: folder))
            }
        }
        guard let page else { throw .index("\(path) can no longer be read") }
        return page.document
    }

    /// An FTS5 query that ORs the query's words, each quoted so that punctuation cannot break the syntax.
    static func matchExpression(_ query: String) -> String? {
        let words = query.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        guard !words.isEmpty else { return nil }
        return words.map { "\"\($0)\"" }.joined(separator: " OR ")
    }

    struct Page: Sendable {
        var url: String
        var path: String
        var modified: Double
        var document: ReadableDocument
    }

    static func loadPages(folder: URL, baseURL: URL?) -> [Page] {
        guard
            let enumerator = FileManager.default.enumerator(
                at: folder, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
        else { return [] }
        var pages: [Page] = []
        for case let file as URL in enumerator {
            let ext = file.pathExtension.lowercased()
            guard htmlExtensions.contains(ext) || textExtensions.contains(ext) else { continue }
            let path = file.standardizedFileURL.path
            let url = publicURL(path: path, folder: folder, baseURL: baseURL)
            if let page = loadPage(at: file, url: url, folder: folder) { pages.append(page) }
        }
        return pages.sorted { $0.path < $1.path }
    }

    static func publicURL(path: String, folder: URL, baseURL: URL?) -> String {
        guard let baseURL else { return URL(fileURLWithPath: path).absoluteString }
        var relative = String(path.dropFirst(folder.path.count))
        while relative.hasPrefix("/") { relative.removeFirst() }
        var base = baseURL.absoluteString
        if !base.hasSuffix("/") { base += "/" }
        let encoded = relative.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? relative
        return base + encoded
    }

    static func loadPage(at file: URL, url: String, folder: URL) -> Page? {
        guard let data = try? Data(contentsOf: file) else { return nil }
        let attributes = try? FileManager.default.attributesOfItem(atPath: file.path)
        let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let ext = file.pathExtension.lowercased()
        var document: ReadableDocument
        if htmlExtensions.contains(ext) {
            document = HTMLReader.readBlocking(html: Array(data), baseURL: URL(string: url))
        } else {
            let text = String(decoding: data, as: UTF8.self)
            document = ReadableDocument(title: PageReader.markdownTitle(text) ?? "", body: text)
        }
        if document.title.isEmpty { document.title = file.deletingPathExtension().lastPathComponent }
        return Page(url: url, path: file.standardizedFileURL.path, modified: modified, document: document)
    }
}
