import EmergentCore

/// What a tool call returns: text for the model, plus files it made and sources it read.
public struct ToolOutput: Sendable, Hashable, Codable {
    /// The observation the model reads next.
    public var text: String
    /// Files the call produced (charts, files written to the work folder, generated images).
    public var artifacts: [Artifact]
    /// Sources the call consulted, with the ids the model cites them by.
    public var citations: [Citation]
    /// True when the text describes a failure (the model still sees it, to recover).
    public var isError: Bool

    enum CodingKeys: String, CodingKey {
        case text, artifacts, citations, isError = "is_error"
    }

    public init(text: String, artifacts: [Artifact] = [], citations: [Citation] = [], isError: Bool = false) {
        self.text = text
        self.artifacts = artifacts
        self.citations = citations
        self.isError = isError
    }

    /// A failure observation.
    public static func failure(_ message: String) -> ToolOutput { ToolOutput(text: message, isError: true) }
}

/// A file a tool produced, on the host's disk.
public struct Artifact: Sendable, Hashable, Codable {
    /// The file's name as the user sees it (`figure-1.png`, `result.csv`).
    public var name: String
    /// Absolute path on the host.
    public var path: String
    /// MIME type (`image/png`, `text/csv`, `application/octet-stream`).
    public var mimeType: String
    /// Size in bytes.
    public var byteCount: Int

    enum CodingKeys: String, CodingKey {
        case name, path, mimeType = "mime_type", byteCount = "byte_count"
    }

    public init(name: String, path: String, mimeType: String, byteCount: Int) {
        self.name = name
        self.path = path
        self.mimeType = mimeType
        self.byteCount = byteCount
    }
}

/// A source the model may cite as `【id†title】`: a web page, a search hit or a knowledge passage.
public struct Citation: Sendable, Hashable, Codable {
    /// The id the model writes inside `【…†…】`; unique within a conversation.
    public var id: String
    public var title: String
    /// Where the source lives: an http(s) URL, or `knowledge://FILE#chunk` for an agent's documents.
    public var url: String
    /// The passage quoted, when the tool quoted one.
    public var quote: String?

    public init(id: String, title: String, url: String, quote: String? = nil) {
        self.id = id
        self.title = title
        self.url = url
        self.quote = quote
    }
}
