import EmergentCore
import Foundation
import Testing
import Yams

@testable import EmergentAgents

/// The export's own YAML writer, checked directly: ``AgentDefinition/yamlText()`` falls back to libyaml's output when
/// the writer gets something wrong, which would hide its mistakes from the round-trip tests.
@Suite("Block YAML writer")
struct YAMLBlockWriterTests {
    /// Strings YAML could misread: indicators, look-alikes of other types, odd whitespace and line breaks.
    static let awkward: [String] = [
        "", " ", "a ", " a", "-", "- a", "--repository", "-5", "?", "? x", "?x", ":", ":x", "a:", "a: b", "a:b", "#",
        "a #b", "a#b", "'", "\"", "\\", "\t", "a\tb", "\r\n", "a\u{2028}b", "a\u{85}b", "x\u{FEFF}", "bell\u{7}",
        "nul\u{0}", "~", "~/venv", "null", "NULL", "True", "off", "Yes", "0x1p3", "0o17", "0x1F", "1_000", ".5", "1e3",
        "+1", "-.inf", ".NaN", "nan", "=", "<<", "*a", "&a", "!a", "%a", "@a", "`a", "|", ">", "[a]", "{a}", "a, b",
        "...", "---", "--- a", "2024-01-01", "12:30", "a\n", "\n", "\n\n", "a\n\n", " a\nb", "a \nb", "\ta\nb",
        "a\n  b\n", "日本語", "🎉 party", "é", "${HOME}", "https://x.example/a?b=c#d",
    ]

    @Test("awkward strings as values, list items and keys read back unchanged")
    func awkwardStrings() throws {
        var object = JSONObject()
        object["list"] = .array(Self.awkward.map(JSONValue.string))
        object["mapping"] = .object(
            JSONObject(Self.awkward.enumerated().map { ("k\($0.offset)" + $0.element, JSONValue.string($0.element)) }))
        for (index, text) in Self.awkward.enumerated() { object["v\(index)"] = .string(text) }
        let text = YAMLBlockWriter.document(object)
        let decoded = try YAMLDecoder().decode(JSONValue.self, from: text)
        guard case .object(let read) = decoded else {
            Issue.record("not a mapping: \(text)")
            return
        }
        for (key, value) in object where read[key] != value {
            Issue.record("\(key): wrote \(value), read \(read[key].map { "\($0)" } ?? "nothing")")
        }
        #expect(read.count == object.count)
    }

    @Test("numbers, booleans, null and empty collections keep their types")
    func typedValues() throws {
        let object: JSONObject = [
            "int": 10, "negative": -3, "double": 2.0, "small": 1e-5, "large": 1.5e300, "true": true, "false": false,
            "null": nil, "empty list": [], "empty mapping": [:], "nested": [[1, [2.5, "x"]], ["a": ["b": nil]]],
        ]
        let text = YAMLBlockWriter.document(object)
        #expect(try YAMLDecoder().decode(JSONValue.self, from: text) == .object(object), "\(text)")
        #expect(text.contains("double: 2.0\n"))
        #expect(text.contains("empty mapping: {}\n"))
    }

    @Test("multi-line text is a | block with the indicators it needs")
    func blocks() {
        let object: JSONObject = [
            "plain": "a\nb\n", "strip": "a\nb", "keep": "a\n\n", "indented": "  a\nb",
            "trailing spaces": "a \nb",
        ]
        let text = YAMLBlockWriter.document(object)
        #expect(text.contains("plain: |\n  a\n  b\n"))
        #expect(text.contains("strip: |-\n  a\n  b\n"))
        #expect(text.contains("keep: |+\n  a\n\n"))
        #expect(text.contains("indented: |2-\n    a\n  b\n"))
        // Editors strip trailing spaces, which would change a block's text; such text is quoted instead.
        #expect(text.contains(#"trailing spaces: "a \nb""#))
    }
}
