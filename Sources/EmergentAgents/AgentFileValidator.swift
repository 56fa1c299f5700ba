import EmergentCore
import Foundation
import Yams

/// Checks an agent file's YAML (or JSON) tree before it is decoded and collects every mistake with its line and
/// column, so a user can fix a file in one pass rather than one error per try.
///
/// Scalars are read with Yams' own constructors, the ones the decoder uses, so a file that passes decodes; tool
/// settings are decoded with the types ``AgentToolkit`` uses.
struct AgentFileValidator {
    /// The document, when it could be parsed.
    let root: Node?
    /// Every mistake, in file order.
    private(set) var problems: [AgentDefinitionError.Problem] = []

    init(text: String) {
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            root = nil
            problems = [Self.syntaxProblem(error, in: text)]
            return
        }
        guard let root else {
            problems = [
                AgentDefinitionError.Problem(
                    field: "", line: 1, column: 1, expected: "a mapping with at least 'name'",
                    found: "an empty document")
            ]
            return
        }
        checkDocument(root)
        // Stable: problems on one line keep the order they were found in.
        problems = problems.enumerated().sorted {
            let left = ($0.element.line ?? 0, $0.element.column ?? 0, $0.offset)
            let right = ($1.element.line ?? 0, $1.element.column ?? 0, $1.offset)
            return left < right
        }.map(\.element)
    }

    /// The problem for an error the decoder found after the check passed, placed by its coding path.
    func problem(for error: DecodingError) -> AgentDefinitionError.Problem {
        guard let root else {
            return AgentDefinitionError.Problem(field: "", expected: "a valid agent file", found: "\(error)")
        }
        let issue = FieldIssue(error, at: .root) { path in
            Self.locate(path, from: .root, in: root).node.map(Self.describe) ?? "nothing"
        }
        let mark = Self.locate(issue.path, from: .root, in: root).mark
        return issue.problem(line: mark?.line, column: mark?.column)
    }

    // MARK: - The document

    private static let documentKeys = AgentDefinition.CodingKeys.allCases.map(\.rawValue)

    private mutating func checkDocument(_ root: Node) {
        guard case .mapping(let mapping) = root else {
            report(
                FieldIssue(
                    path: .root, expected: "a mapping of agent settings (name, instructions, tools, …)",
                    found: Self.describe(root)), at: root)
            return
        }
        var sawName = false
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else {
                report(FieldIssue(path: .root, expected: "a key name", found: Self.describe(keyNode)), at: keyNode)
                continue
            }
            let path = FieldPath.root.appending(key)
            switch AgentDefinition.CodingKeys(rawValue: key) {
            case .name?:
                sawName = true
                checkName(value, at: path)
            case .description?, .instructions?, .model?, .welcome?:
                checkText(value, at: path)
            case .knowledge?, .suggestedPrompts?:
                checkTextList(value, at: path)
            case .tools?:
                checkTools(value, at: path)
            case .limits?:
                checkNumbers(value, at: path, rules: NumberRule.limits, what: "limits")
            case .sampling?:
                checkNumbers(value, at: path, rules: NumberRule.sampling, what: "sampling settings")
            case nil:
                report(.unknownKey(key, at: .root, known: Self.documentKeys), at: keyNode)
            }
        }
        if !sawName {
            report(
                FieldIssue(
                    path: FieldPath.root.appending("name"),
                    expected: "a non-empty string (the agent's name is required)", found: "nothing"), at: root)
        }
    }

    private mutating func checkName(_ node: Node, at path: FieldPath) {
        if let scalar = node.scalar, node.null == nil,
            !scalar.string.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        {
            return
        }
        report(FieldIssue(path: path, expected: "a non-empty string", found: Self.describe(node)), at: node)
    }

    /// A string, or nothing (the key then counts as absent).
    private mutating func checkText(_ node: Node, at path: FieldPath) {
        guard node.scalar == nil else { return }
        report(FieldIssue(path: path, expected: "a string", found: Self.describe(node)), at: node)
    }

    private mutating func checkTextList(_ node: Node, at path: FieldPath) {
        if node.null != nil { return }
        guard case .sequence(let items) = node else {
            report(FieldIssue(path: path, expected: "a list of strings", found: Self.describe(node)), at: node)
            return
        }
        for (index, item) in items.enumerated() where item.scalar == nil || item.null != nil {
            report(FieldIssue(path: path.appending(index), expected: "a string", found: Self.describe(item)), at: item)
        }
    }

    // MARK: - Tools

    private static let toolKinds = AgentToolKind.allCases.map(\.rawValue)

    private mutating func checkTools(_ node: Node, at path: FieldPath) {
        switch node {
        case _ where node.null != nil:
            return
        case .sequence(let items):
            // `tools: [python, browser]`: each kind with its default settings.
            for (index, item) in items.enumerated() {
                guard let kind = toolKind(item, at: path.appending(index), keyNode: item) else { continue }
                for issue in AgentToolSettings.issues(kind, settings: .object([:]), at: path.appending(kind.rawValue)) {
                    report(issue, at: item)
                }
            }
        case .mapping(let mapping):
            for (keyNode, value) in mapping {
                let name = keyNode.scalar?.string ?? ""
                guard let kind = toolKind(keyNode, at: path.appending(name), keyNode: keyNode) else { continue }
                let settingsPath = path.appending(kind.rawValue)
                let settings: JSONValue
                do {
                    settings = try Self.json(value)
                } catch {
                    report(
                        FieldIssue(
                            path: settingsPath, expected: ToolSettingsShape.expectation(for: kind),
                            found: Self.describe(value)), at: value)
                    continue
                }
                for issue in AgentToolSettings.issues(kind, settings: settings, at: settingsPath) {
                    report(issue, from: settingsPath, in: value)
                }
            }
        default:
            report(
                FieldIssue(
                    path: path, expected: "a list of tool kinds, or a mapping of tool kind to its settings",
                    found: Self.describe(node)), at: node)
        }
    }

    /// The tool kind a list item or mapping key names, or `nil` after reporting that it names none.
    private mutating func toolKind(_ node: Node, at path: FieldPath, keyNode: Node) -> AgentToolKind? {
        guard let name = node.scalar?.string, node.null == nil else {
            report(
                FieldIssue(
                    path: path, expected: "a tool kind: " + Self.toolKinds.joined(separator: ", "),
                    found: Self.describe(node)), at: node)
            return nil
        }
        if let kind = AgentToolKind(rawValue: name) { return kind }
        report(
            FieldIssue(
                path: path, expected: "one of " + Self.toolKinds.joined(separator: ", "),
                found: "unknown tool '\(name)'", suggestion: EditDistance.closest(to: name, in: Self.toolKinds)),
            at: keyNode)
        return nil
    }

    /// Tool settings as the decoder reads them, but with mappings in the order the file writes them (decoding
    /// goes through a dictionary, which sorts them), so that an exported file keeps the user's order.
    func toolSettingsInFileOrder() -> [String: JSONValue]? {
        guard case .mapping(let document)? = root,
            case .mapping(let tools)? = document.first(where: { $0.key.scalar?.string == "tools" })?.value
        else { return nil }
        var settings: [String: JSONValue] = [:]
        for (key, value) in tools {
            guard let kind = key.scalar?.string, let json = try? Self.json(value) else { return nil }
            settings[kind] = json == .null ? .object([:]) : json
        }
        return settings
    }

    /// A node as the decoder reads it into a ``JSONValue``, keeping the order of mapping keys.
    static func json(_ node: Node) throws -> JSONValue {
        switch node {
        case .mapping(let mapping):
            var object = JSONObject()
            for (key, value) in mapping {
                guard let name = key.scalar?.string else { return try YAMLDecoder().decode(JSONValue.self, from: node) }
                object[name] = try json(value)
            }
            return .object(object)
        case .sequence(let items):
            return .array(try items.map(json))
        default:
            return try YAMLDecoder().decode(JSONValue.self, from: node)
        }
    }

    // MARK: - Limits and sampling

    private mutating func checkNumbers<Owner>(
        _ node: Node, at path: FieldPath, rules: [NumberRule<Owner>], what: String
    ) {
        if node.null != nil { return }
        let keys = rules.map(\.key)
        guard case .mapping(let mapping) = node else {
            report(
                FieldIssue(
                    path: path, expected: "a mapping of \(what) (\(keys.joined(separator: ", ")))",
                    found: Self.describe(node)), at: node)
            return
        }
        for (keyNode, value) in mapping {
            let key = keyNode.scalar?.string ?? ""
            guard let rule = rules.first(where: { $0.key == key }) else {
                report(.unknownKey(key, at: path, known: keys), at: keyNode)
                continue
            }
            // An empty value keeps the default, as the decoder reads it.
            if value.null != nil { continue }
            let number: Double? = value.scalar.flatMap { scalar in
                rule.isWhole ? Int64.construct(from: scalar).map(Double.init) : Double.construct(from: scalar)
            }
            guard let number else {
                report(
                    FieldIssue(path: path.appending(key), expected: rule.expected, found: Self.describe(value)),
                    at: value)
                continue
            }
            if let issue = rule.issue(number, at: path, found: value.scalar?.string) { report(issue, at: value) }
        }
    }

    // MARK: - Reporting

    private mutating func report(_ issue: FieldIssue, at node: Node) {
        problems.append(issue.problem(line: node.mark?.line, column: node.mark?.column))
    }

    /// Reports an issue found in the value `node`, which sits at `base`, at the node its path leads to.
    private mutating func report(_ issue: FieldIssue, from base: FieldPath, in node: Node) {
        let located = Self.locate(issue.path, from: base, in: node)
        let mark = issue.anchor == .key ? located.key?.mark ?? located.mark : located.mark
        problems.append(issue.problem(line: mark?.line, column: mark?.column))
    }

    /// The node at `path` inside `node` (which sits at `base`), the key that leads to it, and the mark to report:
    /// the node's own, or the nearest enclosing node's when the path goes further than the file does.
    private static func locate(_ path: FieldPath, from base: FieldPath, in node: Node)
        -> (node: Node?, key: Node?, mark: Mark?)
    {
        guard path.components.starts(with: base.components) else { return (nil, nil, node.mark) }
        var current = node
        var key: Node?
        for component in path.components.dropFirst(base.components.count) {
            switch (component, current) {
            case (.key(let name), .mapping(let mapping)):
                guard let pair = mapping.first(where: { $0.key.scalar?.string == name }) else {
                    return (nil, nil, current.mark)
                }
                (key, current) = (pair.key, pair.value)
            case (.index(let index), .sequence(let items)) where items.indices.contains(index):
                (key, current) = (nil, items[index])
            case (.index(let index), .mapping(let mapping)):
                guard let pair = mapping.first(where: { $0.key.scalar?.string == String(index) }) else {
                    return (nil, nil, current.mark)
                }
                (key, current) = (pair.key, pair.value)
            default:
                return (nil, nil, current.mark)
            }
        }
        return (current, key, current.mark)
    }

    /// A node as a message shows it: `"ten"`, `-1`, `true`, `a list`, `nothing`.
    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            guard scalar.style == .plain || scalar.style == .any else { return FieldIssue.quoted(scalar.string) }
            if node.null != nil { return scalar.string.isEmpty ? "nothing" : scalar.string }
            let isLiteral =
                Bool.construct(from: scalar) != nil || Int.construct(from: scalar) != nil
                || Double.construct(from: scalar) != nil
            return isLiteral ? scalar.string : FieldIssue.quoted(scalar.string)
        case .mapping(let mapping):
            return mapping.isEmpty ? "an empty mapping" : "a mapping"
        case .sequence(let items):
            return items.isEmpty ? "an empty list" : "a list"
        case .alias:
            return "an alias"
        }
    }

    // MARK: - Syntax

    /// A problem for a file Yams could not parse, at the place libyaml gave up.
    static func syntaxProblem(_ error: any Error, in text: String) -> AgentDefinitionError.Problem {
        switch error as? YamlError {
        case .scanner(let context, let problem, let mark, _)?, .parser(let context, let problem, let mark, _)?,
            .composer(let context, let problem, let mark, _)?:
            var message = "not valid YAML: \(problem)"
            if let context { message += " (\(context.text) at \(context.mark.line):\(context.mark.column))" }
            message += hint(for: problem, at: mark, in: text)
            return AgentDefinitionError.Problem(
                field: "", line: mark.line, column: mark.column, expected: "valid YAML", found: problem,
                message: message)
        case .reader(let problem, let offset, _, _)?:
            let mark = offset.map { position(ofCharacter: $0, in: text) }
            return AgentDefinitionError.Problem(
                field: "", line: mark?.line, column: mark?.column, expected: "UTF-8 text", found: problem,
                message: "the file cannot be read as text: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context)?:
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return AgentDefinitionError.Problem(
                field: duplicates.count == 1 ? duplicates[0] : "", line: context.mark.line,
                column: context.mark.column, expected: "each key once in a mapping", found: "\(keys) more than once",
                message: "the key \(keys) appears more than once in the same mapping; keep one")
        default:
            return AgentDefinitionError.Problem(
                field: "", expected: "valid YAML", found: "\(error)", message: "not valid YAML: \(error)")
        }
    }

    /// What usually causes libyaml's two most common complaints.
    private static func hint(for problem: String, at mark: Mark, in text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let line = lines.indices.contains(mark.line - 1) ? lines[mark.line - 1] : ""
        if line.unicodeScalars.contains("\t") {
            return "; YAML is indented with spaces, not tabs"
        }
        if problem.contains("mapping values are not allowed") {
            return "; quote text that contains ': ' (or write it as a | block)"
        }
        return ""
    }

    /// The 1-based line and column of the character at `offset`.
    private static func position(ofCharacter offset: Int, in text: String) -> (line: Int, column: Int) {
        let prefix = text.prefix(offset)
        let line = prefix.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
        let column = prefix.reversed().prefix { $0 != "\n" }.reduce(1) { $0 + $1.unicodeScalars.count }
        return (line, column)
    }
}
