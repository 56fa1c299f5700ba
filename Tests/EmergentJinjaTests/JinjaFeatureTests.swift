import EmergentCore
import Foundation
import Testing

@testable import EmergentJinja

/// Small templates exercising each language feature, checked byte for byte against Python's jinja2.
@Suite("Jinja features against jinja2")
struct JinjaFeatureTests {
    typealias Conformance = TemplateConformanceTests

    static func references() throws -> [String: Conformance.Outcome] {
        let python = try #require(Conformance.python, "run scripts/setup.sh: it installs jinja2 into .deps/venv")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent(
            "jinja-snippets-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: output) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [
            Conformance.fixtures.appendingPathComponent("render_reference.py").path, "--snippets",
            Conformance.fixtures.appendingPathComponent("snippets.json").path, output.path,
        ]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        let json = try #require(
            try JSONSerialization.jsonObject(with: try Data(contentsOf: output)) as? [String: [String: String]])
        return json.mapValues { Conformance.Outcome(text: $0["ok"], error: $0["error"]) }
    }

    static func snippets() throws -> [(String, String, JinjaDict)] {
        let text = try String(contentsOf: Conformance.fixtures.appendingPathComponent("snippets.json"), encoding: .utf8)
        guard case .dict(let all) = try JinjaJSON.parse(text) else { return [] }
        return all.pairs.compactMap { pair in
            guard case .string(let name) = pair.key, case .dict(let snippet) = pair.value,
                case .string(let template)? = snippet["template"], case .dict(let context)? = snippet["context"]
            else { return nil }
            return (name, template, context)
        }
    }

    @Test("every feature snippet renders exactly as jinja2 does, or both raise")
    func snippets() throws {
        let references = try Self.references()
        let snippets = try Self.snippets()
        try #require(snippets.count >= 40)
        for (name, source, context) in snippets {
            let expected = try #require(references[name])
            var variables: [String: JinjaValue] = [:]
            for (key, value) in context.pairs {
                if case .string(let variable) = key { variables[variable] = value }
            }
            let actual: Conformance.Outcome
            do {
                let template = try JinjaTemplate(
                    source, name: name, environment: .huggingFace(now: Conformance.pinnedNow))
                actual = Conformance.Outcome(text: try template.render(variables), error: nil)
            } catch {
                actual = Conformance.Outcome(text: nil, error: error.message)
            }
            if let text = expected.text {
                #expect(actual.text == text, "\(name): \(actual.error ?? "")")
            } else {
                #expect(
                    actual.error != nil,
                    "\(name): jinja2 raised \(expected.error ?? "") but we rendered \(actual.text ?? "")")
            }
        }
    }

    @Test(
        "syntax errors name the template, line and column",
        arguments: [
            ("{% if x %}\nunclosed", 2, "expected one of: elif, else, endif"),
            ("line one\n{{ 1 + }}", 2, "expected an expression"),
            ("{% for x in %}{% endfor %}", 1, "expected an expression"),
            ("ok\n\n  {% nosuch %}", 3, "unknown statement 'nosuch'"),
            ("{{ 'unterminated }}", 1, "unterminated string"),
            ("{% endfor %}", 1, "unexpected 'endfor'"),
        ])
    func syntaxErrors(source: String, line: Int, fragment: String) {
        do {
            _ = try JinjaTemplate(source, name: "bad.jinja")
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.kind == .syntax)
            #expect(error.templateName == "bad.jinja")
            #expect(error.line == line, "\(error.message)")
            #expect(error.column >= 1)
            #expect(error.message.contains(fragment), "\(error.message)")
            #expect(error.message.hasPrefix("bad.jinja:\(line):"))
        }
    }

    @Test("raise_exception and runtime errors carry the template location and message")
    func runtimeErrors() throws {
        let template = try JinjaTemplate(
            "first line\n{% if messages[0].role == 'tool' %}{{ raise_exception('No tool first!') }}{% endif %}",
            name: "chat.jinja")
        let messages: JinjaValue = .list([.dict(JinjaDict([("role", .string("tool"))]))])
        do {
            _ = try template.render(["messages": messages])
            Issue.record("expected the template to raise")
        } catch {
            #expect(error.kind == .raised)
            #expect(error.line == 2)
            #expect(error.message.contains("No tool first!"))
        }
        let undefined = try JinjaTemplate("{{ a.b.c }}", name: "u.jinja")
        #expect(throws: JinjaError.self) { try undefined.render([:]) }
    }

    @Test("ordered JSON parsing keeps key order and value types")
    func orderedJSON() throws {
        let value = try JinjaJSON.parse(#"{"z": 1, "a": [true, null, 2.5, "é\n"], "m": {"y": -3}}"#)
        #expect(try JinjaJSON.dumps(value) == #"{"z": 1, "a": [true, null, 2.5, "é\n"], "m": {"y": -3}}"#)
        #expect(throws: JSONParseError.self) { try JinjaJSON.parse("{\"a\": }") }
    }
}
