import EmergentCore
import Foundation

/// One agent action in the OS environment.
enum OSAction: Sendable, Hashable {
    /// Run bash code in the episode's shell.
    case bash(String)
    /// Commit an answer.
    case answer(String)
    /// Commit with no answer (the task was to change the system).
    case finish
}

/// Why a reply or call is not an action.
enum OSActionProblem: Error, Sendable, Hashable {
    /// The reply does not follow the format (no `Act:` line, `answer` without parentheses, bad arguments).
    case format(String)
    /// The action is well formed but not one of bash, answer and finish.
    case unknown(String)
}

/// Reads actions the way AgentBench's OS task does: the last `Act:` line that names a known action wins; bash code
/// is every ```bash block, joined by blank lines; the answer is between the first `(` and the last `)`.
enum OSActionParser {
    static func parse(_ reply: String) -> Result<OSAction, OSActionProblem> {
        let acts = reply.components(separatedBy: "\n").compactMap { line -> String? in
            guard let range = line.range(of: "Act:") else { return nil }
            let rest = line[range.upperBound...].drop(while: { $0 == " " || $0 == "\t" })
            return rest.isEmpty ? nil : String(rest)
        }
        guard !acts.isEmpty else {
            return .failure(.format("No action found. End your reply with one action line: 'Act: bash' followed "
                                    + "by a ```bash code block, 'Act: answer(...)', or 'Act: finish'."))
        }
        var sawAnswerWithoutParentheses = false
        for act in acts.reversed() {
            let lower = act.lowercased()
            if lower.hasPrefix("bash") { return .success(.bash(bashCode(in: reply))) }
            if lower.hasPrefix("finish") { return .success(.finish) }
            if lower.hasPrefix("answer") {
                let content = act.dropFirst(6)
                guard let open = content.firstIndex(of: "("), let close = content.lastIndex(of: ")"),
                      open < close else {
                    sawAnswerWithoutParentheses = true
                    continue
                }
                return .success(.answer(String(content[content.index(after: open)..<close])))
            }
        }
        if sawAnswerWithoutParentheses {
            return .failure(.format("The answer action needs its answer in parentheses: 'Act: answer(42)'."))
        }
        let name = acts.last.map { String($0.prefix(40)) } ?? ""
        return .failure(.unknown("'\(name)' is not an action. The actions are bash, answer(...) and finish."))
    }

    /// The code of every ```bash block (fence line "```bash", code, a line "```"), joined by blank lines.
    static func bashCode(in reply: String) -> String {
        var blocks: [String] = []
        var rest = Substring(reply)
        while let open = rest.range(of: "```bash\n") {
            let after = rest[open.upperBound...]
            // The shortest body ending in "\n```", as the non-greedy pattern AgentBench uses.
            guard let close = after.range(of: "\n```") else { break }
            blocks.append(String(after[after.startIndex..<close.lowerBound]))
            rest = after[close.upperBound...]
        }
        return blocks.joined(separator: "\n\n")
    }

    /// A function call as an action (function-calling mode).
    static func parse(_ call: ToolCall) -> Result<OSAction, OSActionProblem> {
        let arguments = call.arguments.objectValue ?? JSONObject()
        func text(_ key: String) -> String? {
            if let value = arguments[key] {
                switch value {
                case .string(let s): return s
                case .int(let i): return String(i)
                case .double(let d): return String(d)
                case .bool(let b): return String(b)
                default: return nil
                }
            }
            return nil
        }
        switch call.name {
        case OSPrompts.bashTool:
            guard let script = text("script") else {
                return .failure(.format("bash_action needs a string argument 'script' with the bash code to run."))
            }
            return .success(.bash(script))
        case OSPrompts.answerTool:
            guard let answer = text("answer") else {
                return .failure(.format("answer_action needs a string argument 'answer'."))
            }
            return .success(.answer(answer))
        case OSPrompts.finishTool:
            return .success(.finish)
        default:
            return .failure(.unknown("There is no function '\(call.name)'. Call bash_action, answer_action or "
                                     + "finish_action."))
        }
    }
}
