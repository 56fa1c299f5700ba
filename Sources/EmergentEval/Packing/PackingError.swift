import EmergentCore

/// Why `emergent pack` could not read, tokenize, plan or write a data set.
public enum PackingError: EmergentError, Equatable {
    /// A JSONL line is not a conversation in either supported shape.
    case malformedLine(line: Int, problem: String)
    /// The input holds no conversations at all.
    case emptyInput(path: String)
    /// Every conversation was skipped (none had an assistant turn to learn from).
    case noTrainableConversations(skipped: Int)
    /// An option is out of range.
    case invalidOption(name: String, value: String, expected: String)
    /// The chat format cannot be split into turns (rendering a longer conversation changes its beginning).
    case templateNotPrefixStable(conversation: Int)
    /// A file could not be read or written.
    case io(path: String, problem: String)

    public var message: String {
        switch self {
        case .malformedLine(let line, let problem):
            "Line \(line) of the input is not a conversation: \(problem)."
        case .emptyInput(let path):
            "The input \(path) holds no conversations."
        case .noTrainableConversations(let skipped):
            "None of the \(skipped) conversations has an assistant turn, so there is nothing to train on."
        case .invalidOption(let name, let value, let expected):
            "The \(name) \(value) is out of range; expected \(expected)."
        case .templateNotPrefixStable(let conversation):
            "The chat template renders conversation \(conversation) differently once more turns follow, so its "
                + "turns cannot be told apart."
        case .io(let path, let problem):
            "Could not use \(path): \(problem)."
        }
    }

    public var recovery: String? {
        switch self {
        case .malformedLine:
            "Each line must be one JSON object: {\"messages\": [{\"role\", \"content\"}]} (OpenAI) or "
                + "{\"conversations\": [{\"from\": \"human|gpt|system\", \"value\"}]} (ShareGPT). Fix or remove the line."
        case .emptyInput:
            "Pass a JSONL file with one conversation per line, or use --synthetic N to generate one."
        case .noTrainableConversations:
            "Add assistant (\"gpt\") turns; their tokens are the training targets."
        case .invalidOption:
            nil
        case .templateNotPrefixStable:
            "Use a model whose chat template only appends when turns are added, or pass a model without a template "
                + "to use the plain transcript format."
        case .io:
            "Check that the path exists and is writable."
        }
    }
}
