/// Offers an agent's ``KnowledgeBase`` as the `knowledge_search` tool.
public struct KnowledgeProvider: ToolProvider {
    public let base: KnowledgeBase

    public init(base: KnowledgeBase) { self.base = base }

    public func tools() async throws -> [any Tool] { [KnowledgeSearchTool(base: base)] }
}
