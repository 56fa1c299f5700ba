/// The sources one conversation has seen, each with a short id the model cites (`【3†GDP table】`).
///
/// Ids are small integers in order of first sight, and a URL keeps its id for the whole conversation, so a page
/// found by search and later opened is cited the same way. Tools that read sources (browser, knowledge) register
/// them here; the agent resolves the citations in the final answer against it.
public actor SourceRegistry {
    /// One registered source.
    public struct Source: Sendable, Hashable {
        public var id: String
        public var url: String
        public var title: String
    }

    private var byURL: [String: Source] = [:]
    private var byID: [String: Source] = [:]
    private var nextID = 0

    public init() {}

    /// The source's id, registering it on first sight. A later, non-empty title replaces an empty one.
    @discardableResult
    public func register(url: String, title: String) -> Source {
        if var known = byURL[url] {
            if known.title.isEmpty && !title.isEmpty {
                known.title = title
                byURL[url] = known
                byID[known.id] = known
            }
            return known
        }
        let source = Source(id: String(nextID), url: url, title: title)
        nextID += 1
        byURL[url] = source
        byID[source.id] = source
        return source
    }

    /// The source with this id, if any.
    public func source(id: String) -> Source? { byID[id] }

    /// Every source, in order of registration.
    public func all() -> [Source] {
        byID.values.sorted { (Int($0.id) ?? 0) < (Int($1.id) ?? 0) }
    }
}
