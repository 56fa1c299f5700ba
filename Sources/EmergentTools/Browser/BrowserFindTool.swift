import EmergentCore

/// `browser_find`: quotes the passages of an opened page that contain a pattern, as citable quotes.
public struct BrowserFindTool: Tool {
    let browser: Browser

    public init(browser: Browser) { self.browser = browser }

    public var spec: ToolSpec {
        ToolSpec(
            name: "browser_find",
            description:
                "Find text on the most recently opened page (or the page with the given id) and quote the matching passages with their context, for citing.",
            parameters: [
                "type": "object",
                "properties": [
                    "pattern": ["type": "string", "description": "Text to look for (case-insensitive)."],
                    "id": [
                        "type": "string",
                        "description": "Source id of an opened page (optional; default: the last one).",
                    ],
                ],
                "required": ["pattern"],
            ])
    }

    public func call(_ arguments: JSONValue, context: ToolContext) async throws -> ToolOutput {
        let arguments = try ToolArguments(arguments, tool: spec.name)
        let pattern = try arguments.requiredString("pattern", "query", "text")
        return try await browser.find(pattern, sourceID: arguments.string("id", "source"), context: context)
    }
}
