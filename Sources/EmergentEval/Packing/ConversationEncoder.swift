import EmergentCore
import EmergentModels

/// Builds a conversation's tokens and labels with a chat format, so only assistant turns are targets.
///
/// The conversation is rendered one turn at a time. Each user, system or tool turn adds the text between the
/// previous rendering and the next; an assistant turn adds first its header (what the format writes for
/// `addGenerationPrompt`, not a target) and then its reply up to and including the end-of-turn text (a target,
/// so the model learns to stop). Each piece is tokenized on its own, so a token never straddles a target
/// boundary.
public struct ConversationEncoder: Sendable {
    /// How conversations become text: the model's chat template, or `PlainChatFormat` without one.
    public let format: any ChatPromptFormat
    /// How text becomes tokens.
    public let tokenizer: any TextTokenizing

    public init(format: any ChatPromptFormat, tokenizer: any TextTokenizing) {
        self.format = format
        self.tokenizer = tokenizer
    }

    /// The tokens and labels of `conversation`; `nil` when it has no assistant turn.
    /// - Parameter index: the conversation's 1-based position, quoted in errors.
    public func encode(_ conversation: TrainingConversation, index: Int) throws -> TokenizedSequence? {
        guard conversation.hasTargets else { return nil }
        let messages = conversation.messages
        var pieces: [(text: String, isTarget: Bool)] = []
        var rendered = ""
        func extend(to next: String, isTarget: Bool) throws(PackingError) {
            guard next.utf8.starts(with: rendered.utf8) else { throw .templateNotPrefixStable(conversation: index) }
            let piece = String(decoding: next.utf8.dropFirst(rendered.utf8.count), as: UTF8.self)
            if !piece.isEmpty { pieces.append((piece, isTarget)) }
            rendered = next
        }
        for position in messages.indices {
            if messages[position].role == .assistant {
                let header = try format.prompt(
                    for: Array(messages[..<position]), tools: [], addGenerationPrompt: true)
                try extend(to: header, isTarget: false)
            }
            let turn = try format.prompt(for: Array(messages[...position]), tools: [], addGenerationPrompt: false)
            try extend(to: turn, isTarget: messages[position].role == .assistant)
        }
        var tokens: [Int32] = []
        var labels: [Int32] = []
        for (offset, piece) in pieces.enumerated() {
            let addBOS = offset == 0 && !(tokenizer.bosText.map { piece.text.hasPrefix($0) } ?? false)
            let pieceTokens = tokenizer.tokens(for: piece.text, addBOS: addBOS)
            tokens += pieceTokens
            labels +=
                piece.isTarget
                ? pieceTokens : Array(repeating: TokenizedSequence.ignoredLabel, count: pieceTokens.count)
        }
        return TokenizedSequence(tokens: tokens, labels: labels)
    }
}
