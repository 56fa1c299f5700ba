/// A compiled Jinja template, rendered with Python jinja2's semantics.
///
/// Parse once, render many times: parsing checks the whole template and reports the line and column of the
/// first syntax error; rendering reports where a runtime error or a `raise_exception` happened.
public struct JinjaTemplate: @unchecked Sendable {
    // The tree is immutable after parsing, so sharing it across threads is safe.
    private let nodes: [JinjaNode]
    /// The name used in error messages.
    public let name: String
    public let environment: JinjaEnvironment

    public init(_ source: String, name: String = "template", environment: JinjaEnvironment = .huggingFace())
        throws(JinjaError)
    {
        var lexer = JinjaLexer(
            source: source, templateName: name, trimBlocks: environment.trimBlocks,
            lstripBlocks: environment.lstripBlocks)
        var parser = JinjaParser(segments: try lexer.tokenize(), templateName: name, end: lexer.endLocation)
        nodes = try parser.parse()
        self.name = name
        self.environment = environment
    }

    /// Renders with `context` as the template's variables.
    public func render(_ context: [String: JinjaValue]) throws(JinjaError) -> String {
        let renderer = JinjaRenderer(templateName: name, environment: environment)
        return try renderer.render(nodes, scope: JinjaScope(parent: nil, variables: context))
    }
}
