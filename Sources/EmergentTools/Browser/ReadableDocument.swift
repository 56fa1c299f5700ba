/// A page turned into text a model can read: title, body with numbered links, and the links themselves.
public struct ReadableDocument: Sendable, Hashable {
    /// One link of the page, numbered in order of appearance (the body shows it as `text【number】`).
    public struct Link: Sendable, Hashable {
        public var number: Int
        public var text: String
        public var url: String

        public init(number: Int, text: String, url: String) {
            self.number = number
            self.text = text
            self.url = url
        }
    }

    /// The page's `<title>` (or, for Markdown, its first heading); may be empty.
    public var title: String
    /// Readable text: headings as `#` lines, paragraphs, `- ` list items and tables as `| a | b |` rows.
    public var body: String
    public var links: [Link]

    public init(title: String, body: String, links: [Link] = []) {
        self.title = title
        self.body = body
        self.links = links
    }

    /// The body followed by the numbered link list, as the model reads it.
    public var text: String {
        guard !links.isEmpty else { return body }
        let list = links.map { "【\($0.number)】 \($0.url)" }.joined(separator: "\n")
        return body + "\n\nLinks:\n" + list
    }
}
