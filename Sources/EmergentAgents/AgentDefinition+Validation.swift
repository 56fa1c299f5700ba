import EmergentCore
import Foundation

extension AgentDefinition {
    /// Checks a definition built in code or merged from a partial update, as ``parse(_:source:)`` checks a file:
    /// a non-empty name, known tool kinds whose settings decode, and limits and sampling within range.
    ///
    /// - Throws: ``AgentDefinitionError`` listing every problem, by field (there are no lines to give).
    public func validate() throws {
        let problems = issues().map { $0.problem() }
        guard problems.isEmpty else { throw AgentDefinitionError(problems: problems) }
    }

    /// Every mistake in this definition, in the order a file lists its fields.
    func issues() -> [FieldIssue] {
        var issues: [FieldIssue] = []
        if name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            issues.append(
                FieldIssue(
                    path: FieldPath.root.appending("name"), expected: "a non-empty string",
                    found: FieldIssue.describe(.string(name))))
        }
        let tools = FieldPath.root.appending("tools")
        let kinds = AgentToolKind.allCases.map(\.rawValue)
        for name in self.tools.keys.sorted() {
            guard let kind = AgentToolKind(rawValue: name) else {
                issues.append(
                    FieldIssue(
                        path: tools.appending(name), expected: "one of " + kinds.joined(separator: ", "),
                        found: "unknown tool '\(name)'", suggestion: EditDistance.closest(to: name, in: kinds)))
                continue
            }
            issues += AgentToolSettings.issues(kind, settings: self.tools[name] ?? .null, at: tools.appending(name))
        }
        if let limits {
            issues += NumberRule.limits.compactMap { rule in
                rule.value(limits).flatMap { rule.issue($0, at: FieldPath.root.appending("limits")) }
            }
        }
        if let sampling {
            issues += NumberRule.sampling.compactMap { rule in
                rule.value(sampling).flatMap { rule.issue($0, at: FieldPath.root.appending("sampling")) }
            }
        }
        return issues
    }
}
