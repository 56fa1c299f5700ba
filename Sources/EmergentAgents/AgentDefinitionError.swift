import EmergentCore

/// An agent file that cannot be used, with what to change.
///
/// A checked definition carries one ``Problem`` per mistake, so an editor or the HTTP API can point at each one;
/// `message` lists them one per line, as compilers do:
///
/// ```text
/// agent.yaml:2:1: instruction: expected one of name, description, …, found an unknown key; did you mean 'instructions'?
/// agent.yaml:5:20: limits.max_tool_rounds: expected a whole number ≥ 0, found "ten"
/// ```
public struct AgentDefinitionError: EmergentError {
    public var message: String
    /// Every mistake found, in file order; empty when the error is not about a field (an unreadable file, two tools
    /// with the same name).
    public var problems: [Problem]
    public var recovery: String? {
        "See the agent file reference, docs/agent-yaml.md (linked from the README's agent YAML reference)."
    }

    /// The message and the advice; on a line of its own after a list of problems.
    public var description: String {
        guard let recovery else { return message }
        return message + (message.contains("\n") ? "\n" : " ") + recovery
    }

    public init(_ message: String) {
        self.message = message
        self.problems = []
    }

    /// An error listing `problems`, each line prefixed with `source` and the problem's line and column.
    public init(problems: [Problem], source: String? = nil) {
        self.problems = problems
        self.message = problems.map { $0.located(in: source) }.joined(separator: "\n")
    }

    /// One mistake in an agent file: which field, where, what it must be and what it is.
    public struct Problem: Sendable, Hashable, Codable {
        /// The field's path as the file writes it (`limits.max_tool_rounds`, `tools.functions[0].url`,
        /// `suggested_prompts[2]`); empty for the file as a whole.
        public var field: String
        /// The 1-based line of the offending value (of the key, for an unknown key; of the enclosing mapping, for a
        /// missing one); `nil` for a definition built in code.
        public var line: Int?
        /// The 1-based column, counted in Unicode scalars, as libyaml does.
        public var column: Int?
        /// What the field must be: `a whole number ≥ 0`.
        public var expected: String
        /// What the file has instead: `"ten"`, `a list`, `nothing`.
        public var found: String
        /// A known name close to a misspelled one (`instructions` for `instruction`).
        public var suggestion: String?
        /// The problem in one line, without its location.
        public var message: String

        /// A problem whose message reads `field: expected …, found …; did you mean '…'?` unless `message` is given.
        public init(
            field: String, line: Int? = nil, column: Int? = nil, expected: String, found: String,
            suggestion: String? = nil, message: String? = nil
        ) {
            self.field = field
            self.line = line
            self.column = column
            self.expected = expected
            self.found = found
            self.suggestion = suggestion
            if let message {
                self.message = message
            } else {
                let text = (field.isEmpty ? "" : "\(field): ") + "expected \(expected), found \(found)"
                self.message = text + (suggestion.map { "; did you mean '\($0)'?" } ?? "")
            }
        }

        /// `source:line:column: message`, leaving out what is not known.
        public func located(in source: String?) -> String {
            var location = source ?? ""
            if let line {
                location += location.isEmpty ? "\(line)" : ":\(line)"
                if let column { location += ":\(column)" }
            }
            return location.isEmpty ? message : "\(location): \(message)"
        }
    }
}
