/// Per-conversation browser state: the pages opened (most recent last) and the last search's results.
public actor BrowserSessions {
    /// What one conversation has open.
    public struct State: Sendable {
        public var pages: [OpenedPage] = []
        public var lastResults: [SearchHit] = []
    }

    /// Pages kept per conversation; the oldest are forgotten first.
    public let maxPages: Int
    private var states: [String: State] = [:]

    public init(maxPages: Int = 20) { self.maxPages = maxPages }

    public func state(_ conversationID: String) -> State { states[conversationID] ?? State() }

    public func recordResults(_ hits: [SearchHit], conversationID: String) {
        states[conversationID, default: State()].lastResults = hits
    }

    /// Makes `page` the conversation's current page.
    public func recordOpened(_ page: OpenedPage, conversationID: String) {
        var state = states[conversationID] ?? State()
        state.pages.removeAll { $0.url == page.url }
        state.pages.append(page)
        if state.pages.count > maxPages { state.pages.removeFirst(state.pages.count - maxPages) }
        states[conversationID] = state
    }

    /// The page with this citation id, or the most recent page when `sourceID` is nil.
    public func page(sourceID: String?, conversationID: String) -> OpenedPage? {
        let pages = states[conversationID]?.pages ?? []
        guard let sourceID else { return pages.last }
        return pages.last { $0.sourceID == sourceID }
    }

    public func end(_ conversationID: String) { states[conversationID] = nil }

    /// How many conversations hold state (for tests and diagnostics).
    public var conversationCount: Int { states.count }
}
