import Foundation

/// The seven knowledge-base functions of AgentBench's KG task, with their parameter names.
enum KGFunction: String, CaseIterable, Sendable {
    case getRelations = "get_relations"
    case getNeighbors = "get_neighbors"
    case intersection
    case getAttributes = "get_attributes"
    case argmax
    case argmin
    case count

    /// Parameter names, in call order (as the function-calling tools name them).
    var parameters: [String] {
        switch self {
        case .getRelations, .getAttributes, .count: ["variable"]
        case .getNeighbors: ["variable", "relation"]
        case .intersection: ["variable1", "variable2"]
        case .argmax, .argmin: ["variable", "attribute"]
        }
    }

    /// Whether a successful call creates a new variable `#n`.
    var makesVariable: Bool { self != .getRelations && self != .getAttributes }

    static var namesList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// A function call as written: its name and its argument texts.
struct KGParsedCall: Sendable, Hashable {
    var name: String
    var arguments: [String]

    /// The call written back the way AgentBench's messages quote it.
    var text: String { "\(name)(\(arguments.joined(separator: ", ")))" }
}

/// What one text reply asks for, read the way AgentBench v0.2's KG task reads it.
enum KGReply: Sendable, Hashable {
    /// `Final Answer: #n` (or `Find Answer: #n`) anywhere in the reply.
    case finalAnswer(variable: Int)
    /// An `Action:` line with a call.
    case call(KGParsedCall)
    /// An `Action:` line whose call cannot be read (no `name(`, unmatched parenthesis).
    case badActionLine(String)
    /// Neither an action nor a final answer.
    case nothing
}

/// Reads agent replies and reference actions.
enum KGActionParser {
    /// Reads a whole reply: anything from the first `Observation:` on is ignored (the agent must not invent
    /// observations) and `\_` is read as `_`, as AgentBench does; then a final answer wins over an action.
    static func parse(_ reply: String) -> KGReply {
        var message = reply
        if let cut = message.range(of: "Observation:") { message = String(message[..<cut.lowerBound]) }
        message = message.replacingOccurrences(of: "\\_", with: "_")
        if let index = finalAnswerIndex(message) { return .finalAnswer(variable: index) }
        let lines = message.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        // AgentBench: the first line that starts with "Action…:". Failing that (our leniency), the rest of the
        // first line that contains "Action:" (`Thought: … Action: f(x)`, `**Action:** f(x)`).
        for line in lines {
            guard line.hasPrefix("Action"), let colon = line.firstIndex(of: ":") else { continue }
            return action(line, body: line[line.index(after: colon)...])
        }
        for line in lines {
            guard let marker = line.range(of: "Action:") else { continue }
            return action(line, body: line[marker.upperBound...])
        }
        return .nothing
    }

    private static func action(_ line: String, body: Substring) -> KGReply {
        let call = body.trimmingCharacters(in: CharacterSet(charactersIn: " \t*`"))
        if let parsed = parseCall(call) { return .call(parsed) }
        return .badActionLine(line)
    }

    /// `(?:Find|Final) Answer: #(\d+)`.
    static func finalAnswerIndex(_ message: String) -> Int? {
        for marker in ["Final Answer:", "Find Answer:"] {
            var search = message.startIndex..<message.endIndex
            while let found = message.range(of: marker, range: search) {
                let rest = message[found.upperBound...].drop { $0 == " " }
                if rest.first == "#" {
                    let digits = rest.dropFirst().prefix { $0.isASCII && $0.isNumber }
                    if let index = Int(digits) { return index }
                }
                search = found.upperBound..<message.endIndex
            }
        }
        return nil
    }

    /// Reads `name(arg1, arg2)` at the start of `text`: the name is a word, the arguments run to the last `)` on
    /// the line and split at commas; a `variable ` prefix on an argument is dropped (`variable #0` means `#0`).
    static func parseCall(_ text: String) -> KGParsedCall? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let open = trimmed.firstIndex(of: "("), let close = trimmed.lastIndex(of: ")"), open < close else {
            return nil
        }
        let name = String(trimmed[..<open]).trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
        let inside = trimmed[trimmed.index(after: open)..<close]
        var arguments = inside.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        arguments = arguments.map { argument in
            for prefix in ["variable ", "Variable "] where argument.hasPrefix(prefix) {
                return String(argument.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
            }
            return argument
        }
        if arguments == [""] { arguments = [] }
        return KGParsedCall(name: name, arguments: arguments)
    }

    /// The index of a variable written `#n`, or `nil`.
    static func variableIndex(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("#") else { return nil }
        let digits = trimmed.dropFirst()
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }
}
