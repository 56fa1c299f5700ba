import EmergentCore

/// `browser_search`: searches the web (or the configured local folder) and lists cited results.
public struct BrowserSearchTool: Tool {
    let browser: Browser

    public init(browser: Browser) { self.browser = browser }

    public var spec: ToolSpec {
        ToolSpec(
            name: "browser_search",
            description:
                "Search the web. Returns results as 【id†title】 url with a snippet; open them with browser_open and cite them by id.",
            parameters: [
                "type": "object",
                "properties": [
                    "query": ["type": "string", "description": "What to search for."],
                    "recency_days": [
                        "type": "integer", "description": "Only results from the last this many days (optional).",
                    ],
                ],
                "required": ["query"],
            ])
    }

    public func call(_ arguments: JSONValue, context: ToolContext) async throws -> ToolOutput {
        let arguments = try ToolArguments(arguments, tool: spec.name)
        let query = try arguments.requiredString("query", "q")
        let days = try arguments.int("recency_days")
        if let days, days <= 0 { throw ToolError("browser_search: \"recency_days\" must be at least 1") }
        return try await browser.search(query, recencyDays: days, context: context)
    }
}
