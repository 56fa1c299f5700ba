import EmergentCore
import EmergentEngine
import EmergentJinja

/// Everything a model family needs to serve chat: how to write the prompt, how to read tool calls and reasoning
/// back, and which grammar keeps tool calls and structured output valid.
public struct ChatFormat: Sendable {
    public var prompt: any ChatPromptFormat
    public var toolCalls: ToolCallFormat

    public init(prompt: any ChatPromptFormat, toolCalls: ToolCallFormat) {
        self.prompt = prompt
        self.toolCalls = toolCalls
    }

    /// The model's own template and its family's tool-call format; the plain transcript and the generic JSON
    /// format for models without a template.
    public static func of(_ model: Model) throws -> ChatFormat {
        guard let template = try ChatTemplate.of(model) else {
            return ChatFormat(prompt: PlainChatFormat(), toolCalls: .generic)
        }
        return ChatFormat(prompt: template, toolCalls: .detect(template: model.metadata.chatTemplate))
    }

    /// A request turned into what the engine runs.
    public struct Prepared: Sendable {
        public var prompt: String
        public var grammar: Grammar?
        public var stop: [String]
        public var startsInReasoning: Bool
        public var toolNames: [String]
        /// False when the reply must not be read for tool calls (tool choice `none`, structured output).
        public var parsesToolCalls: Bool
    }

    public func prepare(_ request: ChatRequest) throws -> Prepared {
        let offered = request.toolChoice == .none ? [] : request.tools
        let text = try prompt.prompt(for: request.messages, tools: offered, addGenerationPrompt: true)
        var grammar: Grammar?
        var parses = !offered.isEmpty
        switch request.responseFormat {
        case .text: break
        case .jsonObject:
            grammar = Grammar(
                JSONSchemaGrammar.primitives.map { "\($0.0) ::= \($0.1)" }.joined(separator: "\n")
                    + "\nroot ::= object\n")
            parses = false
        case .jsonSchema(let schema, let strict):
            grammar = Grammar(try JSONSchemaGrammar.grammar(for: schema, ignoringUnsupportedKeywords: !strict))
            parses = false
        }
        if grammar == nil, !offered.isEmpty {
            switch request.toolChoice {
            case .none, .auto:
                let triggers = ToolCallGrammar.triggerPatterns(toolCalls)
                if !triggers.isEmpty {
                    grammar = Grammar(
                        ToolCallGrammar.forced(toolCalls, tools: offered, parallel: request.parallelToolCalls),
                        triggerPatterns: triggers)
                }
            case .required:
                grammar = Grammar(
                    ToolCallGrammar.forced(toolCalls, tools: offered, parallel: request.parallelToolCalls))
            case .function(let name):
                guard let tool = offered.first(where: { $0.name == name }) else {
                    throw EngineError.invalidOption(
                        name: "tool_choice", value: name,
                        expected: "one of the offered tools (\(offered.map(\.name).joined(separator: ", ")))")
                }
                grammar = Grammar(ToolCallGrammar.forced(toolCalls, tools: [tool], parallel: false))
            }
        }
        let opensReasoning = toolCalls.reasoning.map { text.trimmingWhitespaceAtEnd.hasSuffix($0.start) } ?? false
        return Prepared(
            prompt: text, grammar: grammar, stop: prompt.stopSequences + request.stop,
            startsInReasoning: opensReasoning,
            toolNames: offered.map(\.name), parsesToolCalls: parses)
    }
}

extension String {
    var trimmingWhitespaceAtEnd: String {
        var copy = self
        while let last = copy.last, last.isWhitespace { copy.removeLast() }
        return copy
    }
}
