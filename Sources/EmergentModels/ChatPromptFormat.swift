import EmergentCore

/// Turns a conversation (and the tools on offer) into the prompt text a model continues.
public protocol ChatPromptFormat: Sendable {
    /// The prompt for `messages`, ending where the assistant's next reply begins when `addGenerationPrompt` is set.
    func prompt(for messages: [ChatMessage], tools: [ToolSpec], addGenerationPrompt: Bool) throws -> String
    /// Strings that end an assistant reply in this format, besides the model's end-of-generation tokens.
    var stopSequences: [String] { get }
}
