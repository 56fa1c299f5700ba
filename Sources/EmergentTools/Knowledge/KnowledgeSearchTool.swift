import EmergentCore
import Foundation

/// `knowledge_search`: finds passages in the agent's attached documents, each registered as a citable source.
public struct KnowledgeSearchTool: Tool {
    let base: KnowledgeBase
    let defaultLimit: Int

    public init(base: KnowledgeBase, defaultLimit: Int = 5) {
        self.base = base
        self.defaultLimit = defaultLimit
    }

    public var spec: ToolSpec {
        ToolSpec(
            name: "knowledge_search",
            description:
                "Search the documents attached to this agent. Returns passages as 【id†file — heading】 with their text; cite them by id.",
            parameters: [
                "type": "object",
                "properties": [
                    "query": ["type": "string", "description": "What to look for."],
                    "limit": ["type": "integer", "description": "How many passages (default 5, at most 20)."],
                ],
                "required": ["query"],
            ])
    }

    public func call(_ arguments: JSONValue, context: ToolContext) async throws -> ToolOutput {
        let arguments = try ToolArguments(arguments, tool: spec.name)
        let query = try arguments.requiredString("query", "q")
        guard !query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ToolError("knowledge_search needs a non-empty \"query\"")
        }
        let limit = min(max(try arguments.int("limit") ?? defaultLimit, 1), 20)
        let passages = try await base.search(query, limit: limit)
        guard !passages.isEmpty else {
            return ToolOutput(text: "No passage of the attached documents matches \"\(query)\". Try other words.")
        }
        var sections: [String] = []
        var citations: [Citation] = []
        for passage in passages {
            let source = await context.sources.register(url: passage.url, title: passage.title)
            sections.append("【\(source.id)†\(passage.title)】 \(passage.url)\n\(passage.text)")
            citations.append(Citation(id: source.id, title: passage.title, url: passage.url, quote: passage.text))
        }
        return ToolOutput(text: sections.joined(separator: "\n\n"), citations: citations)
    }
}
