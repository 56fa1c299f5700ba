import AsyncHTTPClient
import EmergentCore
import Foundation
import Logging

/// The browser behind the `browser_*` tools: searches with a ``SearchProvider``, opens pages through the
/// ``PageFetcher`` (or from a local provider), and quotes passages of opened pages. Every result, page and quote
/// is registered in the conversation's ``SourceRegistry`` so the model cites it as `【id†title】`.
public final class Browser: Sendable {
    public let settings: BrowserSettings
    public let searchProvider: any SearchProvider
    public let sessions: BrowserSessions
    private let fetcher: PageFetcher
    private let logger: Logger

    /// `client` must not follow redirects itself (see ``BrowserProvider/makeClient(settings:)``): the fetcher
    /// follows them so that each hop passes the SSRF guard.
    public init(searchProvider: any SearchProvider, settings: BrowserSettings, client: HTTPClient, logger: Logger) {
        self.settings = settings
        self.searchProvider = searchProvider
        self.sessions = BrowserSessions()
        self.logger = logger
        self.fetcher = PageFetcher(
            client: client, policy: NetworkPolicy(allowedHosts: settings.allowedHosts),
            maxBytes: settings.maxPageBytes, maxRedirects: settings.maxRedirects, timeout: settings.requestTimeout,
            logger: logger)
    }

    // MARK: search

    /// Searches and lists the hits as `【id†title】 url` lines with their snippets.
    public func search(_ query: String, recencyDays: Int?, context: ToolContext) async throws -> ToolOutput {
        let trimmed = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw ToolError("browser_search needs a non-empty \"query\"") }
        let hits = try await searchProvider.search(trimmed, recencyDays: recencyDays, limit: settings.resultsPerSearch)
        await sessions.recordResults(hits, conversationID: context.conversationID)
        guard !hits.isEmpty else {
            let recency = recencyDays.map { " from the last \($0) days" } ?? ""
            return ToolOutput(text: "No results for \"\(trimmed)\"\(recency). Try other words or a broader query.")
        }
        var lines = ["Results for \"\(trimmed)\" (open them with browser_open and the id):"]
        var citations: [Citation] = []
        for hit in hits {
            let source = await context.sources.register(url: hit.url, title: hit.title)
            let date = hit.published.map { " (\($0))" } ?? ""
            lines.append("【\(source.id)†\(hit.title)】 \(hit.url)\(date)")
            if !hit.snippet.isEmpty { lines.append("  \(Self.oneLine(hit.snippet))") }
            citations.append(Citation(id: source.id, title: hit.title, url: hit.url))
        }
        return ToolOutput(text: lines.joined(separator: "\n"), citations: citations)
    }

    // MARK: open

    /// Opens each target (a source id or a URL), fetching them concurrently, and shows each page's text.
    public func open(_ targets: [String], context: ToolContext) async throws -> ToolOutput {
        let targets = targets.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        guard !targets.isEmpty else {
            throw ToolError("browser_open needs \"targets\": a list of source ids (from search results) or URLs")
        }
        guard targets.count <= settings.maxPagesPerOpen else {
            throw ToolError("browser_open opens at most \(settings.maxPagesPerOpen) pages per call; split the list")
        }
        let results = await withTaskGroup(of: (Int, Result<PageView, any Error>).self) { group in
            for (index, target) in targets.enumerated() {
                group.addTask {
                    do { return (index, .success(try await self.openOne(target, context: context))) } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var collected: [(Int, Result<PageView, any Error>)] = []
            for await result in group { collected.append(result) }
            return collected.sorted { $0.0 < $1.0 }.map(\.1)
        }
        var sections: [String] = []
        var citations: [Citation] = []
        var failures = 0
        for (target, result) in zip(targets, results) {
            switch result {
            case .success(let view):
                sections.append(view.text)
                citations.append(view.citation)
                await sessions.recordOpened(view.page, conversationID: context.conversationID)
            case .failure(let error):
                failures += 1
                context.logger.info("browser_open failed", metadata: ["target": "\(target)", "error": "\(error)"])
                sections.append("Could not open \(target): \(error)")
            }
        }
        return ToolOutput(
            text: sections.joined(separator: "\n\n---\n\n"), citations: citations, isError: failures == targets.count)
    }

    struct PageView {
        var page: OpenedPage
        var text: String
        var citation: Citation
    }

    private func openOne(_ target: String, context: ToolContext) async throws -> PageView {
        let address: String
        var knownTitle = ""
        if let source = await context.sources.source(id: Self.sourceID(target)) {
            address = source.url
            knownTitle = source.title
        } else if Int(Self.sourceID(target)) != nil {
            throw ToolError("there is no source with id \(target); use an id from search results or a full URL")
        } else {
            address = target
        }
        var document: ReadableDocument
        var note: String?
        var finalURL = address
        if let local = try await searchProvider.localDocument(for: address) {
            document = local
        } else {
            guard let url = URL(string: address), url.scheme != nil, url.host != nil || url.scheme == "file" else {
                throw BrowserError.invalidURL(address)
            }
            let resource = try await fetcher.fetch(url)
            finalURL = resource.url.absoluteString
            (document, note) = await PageReader.read(resource)
        }
        if document.title.isEmpty { document.title = knownTitle.isEmpty ? finalURL : knownTitle }
        // The page keeps the id it was found under; a redirect target is registered with the same title.
        let source = await context.sources.register(url: address, title: document.title)
        if finalURL != address { await context.sources.register(url: finalURL, title: document.title) }
        let page = OpenedPage(sourceID: source.id, url: address, title: document.title, document: document)
        var text = document.text
        var notices: [String] = []
        if let note { notices.append("Note: \(note).") }
        if text.count > settings.maxPageCharacters {
            let total = text.count
            text = String(text.prefix(settings.maxPageCharacters))
            notices.append(
                "[Showing the first \(settings.maxPageCharacters) of \(total) characters; use browser_find to quote later passages.]"
            )
        }
        var header = "【\(source.id)†\(document.title)】 \(finalURL)"
        if finalURL != address { header += " (redirected from \(address))" }
        let body =
            ([header] + notices.filter { $0.hasPrefix("Note") } + [text]
            + notices.filter { !$0.hasPrefix("Note") }).joined(separator: "\n")
        return PageView(
            page: page, text: body, citation: Citation(id: source.id, title: document.title, url: address))
    }

    // MARK: find

    /// Quotes the passages of an opened page (the most recent, or the one with `sourceID`) that match `pattern`.
    public func find(_ pattern: String, sourceID: String?, context: ToolContext) async throws -> ToolOutput {
        let trimmed = pattern.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw ToolError("browser_find needs a non-empty \"pattern\"") }
        let wanted = sourceID.map(Self.sourceID)
        guard let page = await sessions.page(sourceID: wanted, conversationID: context.conversationID) else {
            if let wanted {
                throw ToolError("page \(wanted) is not open; open it with browser_open first")
            }
            throw ToolError("no page is open; open one with browser_open before using browser_find")
        }
        let passages = PassageFinder.find(trimmed, in: page.document.body, limit: settings.maxFindMatches)
        guard !passages.isEmpty else {
            return ToolOutput(
                text:
                    "No passage of 【\(page.sourceID)†\(page.title)】 matches \"\(trimmed)\". Try a shorter pattern or other words."
            )
        }
        var lines = [
            "\(passages.count) passage\(passages.count == 1 ? "" : "s") of 【\(page.sourceID)†\(page.title)】 match \"\(trimmed)\":"
        ]
        var citations: [Citation] = []
        for passage in passages {
            lines.append("")
            lines.append(passage.excerpt.split(separator: "\n").map { "> \($0)" }.joined(separator: "\n"))
            citations.append(Citation(id: page.sourceID, title: page.title, url: page.url, quote: passage.line))
        }
        return ToolOutput(text: lines.joined(separator: "\n"), citations: citations)
    }

    /// `"3"`, `"【3†Title】"` or `"3†Title"` → `"3"`.
    static func sourceID(_ target: String) -> String {
        var text = target.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("【") { text.removeFirst() }
        if text.hasSuffix("】") { text.removeLast() }
        if let dagger = text.firstIndex(of: "†") { text = String(text[..<dagger]) }
        return text.trimmingCharacters(in: .whitespaces)
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
