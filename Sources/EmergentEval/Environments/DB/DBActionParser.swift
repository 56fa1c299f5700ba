import Foundation

/// An agent turn in the DB environment.
enum DBAction: Sendable, Equatable {
    /// `Action: Operation` with the SQL of the first ```sql block (newlines made spaces, as AgentBench does).
    case operation(String)
    /// `Action: Answer` / `Final Answer: …`: the text after `Final Answer:` on its line.
    case answerText(String)
    /// A `commit_final_answer` call's list.
    case answerList([String])
}

/// Reads a text reply the way AgentBench v0.2 does: the first `Action: X` line decides; `Operation` needs a
/// ```sql block; anything else needs a line starting with `Final Answer:`. Slightly more forgiving than
/// AgentBench's regular expressions: surrounding spaces, the action's case and a missing final newline are
/// accepted.
enum DBActionParser {
    static let formatHelp = """
        Your reply must end with one action: either
        Action: Operation
        ```sql
        ONE SQL STATEMENT;
        ```
        or
        Action: Answer
        Final Answer: ["ANSWER1", "ANSWER2", ...]
        """

    static func parse(_ reply: String) -> Result<DBAction, DBActionFormatError> {
        let text = reply.replacingOccurrences(of: "\r\n", with: "\n")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let actionName = lines.lazy.compactMap { line -> String? in
            guard let range = line.range(of: "Action:") else { return nil }
            return line[range.upperBound...].trimmingCharacters(in: .whitespaces)
        }.first
        if let actionName, actionName.lowercased() == "operation" {
            guard let sql = firstSQLBlock(text) else {
                return .failure(DBActionFormatError(message:
                    "Invalid format: 'Action: Operation' must be followed by a ```sql code block holding the SQL.\n"
                        + formatHelp))
            }
            let oneLine = sql.replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)
            guard !oneLine.isEmpty else {
                return .failure(DBActionFormatError(message: "Invalid format: the ```sql block is empty.\n" + formatHelp))
            }
            return .success(.operation(oneLine))
        }
        for line in lines {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("Final Answer:") {
                return .success(.answerText(String(trimmed.dropFirst("Final Answer:".count))))
            }
        }
        return .failure(DBActionFormatError(message:
            "Invalid format: no 'Action: Operation' with a ```sql block and no 'Final Answer:' line.\n" + formatHelp))
    }

    /// The content of the first ```sql … ``` block.
    private static func firstSQLBlock(_ text: String) -> String? {
        guard let open = text.range(of: "```sql", options: .caseInsensitive) else { return nil }
        let rest = text[open.upperBound...]
        guard let close = rest.range(of: "```") else { return nil }
        return String(rest[..<close.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A reply that follows neither action format.
struct DBActionFormatError: Error, Sendable, Equatable {
    var message: String
}
