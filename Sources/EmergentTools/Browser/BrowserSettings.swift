/// How the browser behaves: which hosts it may reach despite the SSRF guard, and its limits.
public struct BrowserSettings: Sendable, Hashable {
    /// Hosts the SSRF guard lets through even on loopback or private addresses: `host` (any port) or
    /// `host:port`.
    public var allowedHosts: [String]
    /// The most bytes read from one page; longer pages are cut with a note.
    public var maxPageBytes: Int
    /// The most redirects followed for one URL; each hop is checked again.
    public var maxRedirects: Int
    /// The time one HTTP request may take.
    public var requestTimeout: Duration
    /// The most characters of an opened page shown to the model; the rest stays searchable with `browser_find`.
    public var maxPageCharacters: Int
    /// Results per search.
    public var resultsPerSearch: Int
    /// The most passages one `browser_find` quotes.
    public var maxFindMatches: Int
    /// The most pages one `browser_open` call fetches.
    public var maxPagesPerOpen: Int

    public init(
        allowedHosts: [String] = [], maxPageBytes: Int = 2_000_000, maxRedirects: Int = 5,
        requestTimeout: Duration = .seconds(20), maxPageCharacters: Int = 12_000, resultsPerSearch: Int = 8,
        maxFindMatches: Int = 5, maxPagesPerOpen: Int = 5
    ) {
        self.allowedHosts = allowedHosts
        self.maxPageBytes = maxPageBytes
        self.maxRedirects = maxRedirects
        self.requestTimeout = requestTimeout
        self.maxPageCharacters = maxPageCharacters
        self.resultsPerSearch = resultsPerSearch
        self.maxFindMatches = maxFindMatches
        self.maxPagesPerOpen = maxPagesPerOpen
    }
}
