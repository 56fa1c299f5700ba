import EmergentCore

/// `browser_open`: opens one or more pages by source id or URL and shows their readable text.
public struct BrowserOpenTool: Tool {
    let browser: Browser

    public init(browser: Browser) { self.browser = browser }

    public var spec: ToolSpec {
        ToolSpec(
            name: "browser_open",
            description:
                "Open pages and read them. Give source ids from search results or full URLs; several at once are fetched together. Links in the text are numbered 【n】 and listed at the end.",
            parameters: [
                "type": "object",
                "properties": [
                    "targets": [
                        "type": "array", "items": ["type": "string"],
                        "description": "Source ids (like \"3\") or http(s) URLs to open.",
                    ]
                ],
                "required": ["targets"],
            ])
    }

    public func call(_ arguments: JSONValue, context: ToolContext) async throws -> ToolOutput {
        let arguments = try ToolArguments(arguments, tool: spec.name)
        guard let targets = arguments.strings("targets", "ids", "id", "urls", "url", "id_or_url") else {
            throw ToolError("browser_open needs \"targets\": a list of source ids (from search results) or URLs")
        }
        return try await browser.open(targets, context: context)
    }
}
