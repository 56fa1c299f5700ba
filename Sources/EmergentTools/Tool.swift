import EmergentCore

/// Something an agent can call: a name, a description and a JSON Schema (its `spec`), and the call itself.
///
/// A tool reports failures it wants the model to see by throwing ``ToolError``; the agent loop turns any thrown
/// error into an observation the model can recover from, so a tool never needs to swallow one.
public protocol Tool: Sendable {
    /// What the model sees: name, description and parameter schema.
    var spec: ToolSpec { get }
    /// Runs one call. `arguments` is the model's JSON (normally an object); `context` names the conversation.
    func call(_ arguments: JSONValue, context: ToolContext) async throws -> ToolOutput
}

/// A source of tools with a life of its own: a sandbox pool, an MCP server, a browser with per-conversation pages.
public protocol ToolProvider: Sendable {
    /// The tools offered now. MCP providers ask their server, so this can fail.
    func tools() async throws -> [any Tool]
    /// Forgets everything kept for one conversation (interpreter state, open pages).
    func endConversation(_ conversationID: String) async
    /// Stops processes and releases resources; the provider is not used afterwards.
    func shutdown() async
}

extension ToolProvider {
    public func endConversation(_ conversationID: String) async {}
    public func shutdown() async {}
}
