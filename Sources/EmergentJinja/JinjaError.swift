import EmergentCore

/// A template that failed to parse or render, with where it happened.
public struct JinjaError: EmergentError, Equatable {
    /// What kind of failure this was.
    public enum Kind: String, Sendable, Equatable {
        /// The template text is not valid Jinja.
        case syntax
        /// Rendering failed (an undefined value used wrongly, a type error, an unknown filter).
        case runtime
        /// The template called `raise_exception(message)`.
        case raised
    }

    public var kind: Kind
    public var templateName: String
    public var line: Int
    public var column: Int
    public var detail: String

    public init(kind: Kind, templateName: String = "template", line: Int, column: Int, detail: String) {
        self.kind = kind
        self.templateName = templateName
        self.line = line
        self.column = column
        self.detail = detail
    }

    public var message: String {
        switch kind {
        case .syntax: "\(templateName):\(line):\(column): syntax error: \(detail)"
        case .runtime: "\(templateName):\(line):\(column): \(detail)"
        case .raised: "\(templateName):\(line):\(column): the template raised an exception: \(detail)"
        }
    }

    public var recovery: String? {
        switch kind {
        case .syntax: "Fix the template at that position (Jinja syntax as in Python's jinja2)."
        case .runtime: "Check the variables passed to the template (messages, tools and extra variables)."
        case .raised: "The template rejects this input; its message above says what it expects."
        }
    }
}

/// An error raised while evaluating an expression, before its location is attached (custom filters throw it).
public struct JinjaFailure: Error, Sendable {
    public var kind: JinjaError.Kind
    public var detail: String

    public init(kind: JinjaError.Kind, detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// A runtime error with this message.
    public static func runtime(_ detail: String) -> JinjaFailure { JinjaFailure(kind: .runtime, detail: detail) }
}
