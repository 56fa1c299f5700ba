/// A page the browser opened in one conversation, kept so `browser_find` can quote it.
public struct OpenedPage: Sendable, Hashable {
    /// The page's citation id in the conversation's ``SourceRegistry``.
    public var sourceID: String
    public var url: String
    public var title: String
    /// The whole readable text (body and link list), not only the part shown.
    public var document: ReadableDocument

    public init(sourceID: String, url: String, title: String, document: ReadableDocument) {
        self.sourceID = sourceID
        self.url = url
        self.title = title
        self.document = document
    }
}
