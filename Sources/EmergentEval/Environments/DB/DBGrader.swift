import EmergentCore
import Foundation

/// AgentBench v0.2's dbbench grading rules.
///
/// SELECT types: the text after `Final Answer:` is read as a Python literal (`eval`); a list or tuple gives its
/// items, a string gives its characters (Python's `list("abc")`), anything else (or text that is not a literal)
/// gives `[text]`. One answer against one label: equal as numbers when both read as floats (`float(a) ==
/// float(b)`, exact), else equal as Python values. Otherwise the two sets must be equal (exact Python equality;
/// `'1.0'` and `'1'` differ there).
///
/// Mutation types: the table hash after the episode equals the expected hash.
enum DBGrader {
    /// The answer items AgentBench's metric derives from `Final Answer:` text.
    static func answerItems(fromText text: String) -> [DBPyValue] {
        guard let value = DBPython.evalLiteral(text) else { return [.string(text)] }
        switch value {
        case .list(let items), .tuple(let items): return items
        case .string(let string): return string.map { .string(String($0)) }
        case .none, .bool, .int, .float: return [.string(text)]
        }
    }

    /// Whether the answer items match the label by v0.2's rules.
    static func matches(_ answer: [DBPyValue], label: [String]) -> Bool {
        let expected = label.map(DBPyValue.string)
        if answer.count == 1 && expected.count == 1 {
            if let given = answer[0].pythonFloat, let wanted = expected[0].pythonFloat {
                return given == wanted
            }
            return answer[0].pythonEquals(expected[0])
        }
        guard answer.allSatisfy(\.isHashable) else { return false }
        let answerCoveredByLabel = answer.allSatisfy { item in expected.contains { $0.pythonEquals(item) } }
        let labelCoveredByAnswer = expected.allSatisfy { item in answer.contains { $0.pythonEquals(item) } }
        return answerCoveredByLabel && labelCoveredByAnswer
    }
}
