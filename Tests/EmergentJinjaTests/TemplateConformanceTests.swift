import Foundation
import Testing

@testable import EmergentJinja

/// Renders llama.cpp's collection of real chat templates (`models/templates/*.jinja`) with our engine and with
/// Python's jinja2 (configured as transformers configures it), and requires byte-identical output.
@Suite("Chat-template conformance with Python jinja2")
struct TemplateConformanceTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let templates = root.appendingPathComponent(
        ".deps/src/llama_cpp_python-0.3.36/vendor/llama.cpp/models/templates")
    /// 2026-01-02 03:04:05 UTC, the moment the reference script pins `strftime_now` to.
    static let pinnedNow = Date(timeIntervalSince1970: 1_767_323_045)

    /// The Python with jinja2 that set-up installs (`.deps/venv`).
    static var python: String? {
        let venv = root.appendingPathComponent(".deps/venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }

    struct Outcome: Equatable {
        var text: String?
        var error: String?
    }

    static func referenceRenderings() throws -> [String: [String: Outcome]] {
        let python = try #require(python, "run scripts/setup.sh: it installs jinja2 into .deps/venv")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent(
            "jinja-reference-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: output) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [
            fixtures.appendingPathComponent("render_reference.py").path, templates.path,
            fixtures.appendingPathComponent("conversations.json").path, output.path,
        ]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "the jinja2 reference script failed")
        let json = try #require(
            try JSONSerialization.jsonObject(with: try Data(contentsOf: output))
                as? [String: [String: [String: String]]])
        return json.mapValues { conversations in
            conversations.mapValues { Outcome(text: $0["ok"], error: $0["error"]) }
        }
    }

    static func conversations() throws -> [(String, JinjaDict)] {
        let text = try String(contentsOf: fixtures.appendingPathComponent("conversations.json"), encoding: .utf8)
        guard case .dict(let all) = try JinjaJSON.parse(text) else { return [] }
        return all.pairs.compactMap { pair in
            guard case .string(let name) = pair.key, case .dict(let conversation) = pair.value else { return nil }
            return (name, conversation)
        }
    }

    static func render(_ source: String, name: String, conversation: JinjaDict) -> Outcome {
        do {
            let template = try JinjaTemplate(source, name: name, environment: .huggingFace(now: pinnedNow))
            let context: [String: JinjaValue] = [
                "messages": conversation["messages"] ?? .list([]),
                "tools": conversation["tools"] ?? .none,
                "documents": .none,
                "add_generation_prompt": .bool(true),
                "bos_token": .string("<s>"),
                "eos_token": .string("</s>"),
            ]
            return Outcome(text: try template.render(context), error: nil)
        } catch {
            return Outcome(text: nil, error: error.message)
        }
    }

    @Test("every real chat template renders byte-identically to jinja2, or both raise")
    func conformance() throws {
        let reference = try Self.referenceRenderings()
        let conversations = try Self.conversations()
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.templates.path).filter {
            $0.hasSuffix(".jinja")
        }.sorted()
        try #require(files.count >= 70)
        var identicalTemplates = 0
        var identical = 0
        var total = 0
        var failures: [String] = []
        for file in files {
            let source = try String(contentsOf: Self.templates.appendingPathComponent(file), encoding: .utf8)
            var allIdentical = true
            for (name, conversation) in conversations {
                total += 1
                let expected = try #require(reference[file]?[name])
                let actual = Self.render(source, name: file, conversation: conversation)
                let same = expected.text != nil ? expected.text == actual.text : actual.error != nil
                if same {
                    identical += 1
                } else {
                    allIdentical = false
                    failures.append(Self.describe(file: file, conversation: name, expected: expected, actual: actual))
                }
            }
            if allIdentical { identicalTemplates += 1 }
        }
        let score = "\(identicalTemplates)/\(files.count) templates, \(identical)/\(total) renderings identical"
        print("Chat-template conformance: \(score)")
        for failure in failures.prefix(40) { print(failure) }
        #expect(identical == total, "\(score)")
    }

    static func describe(file: String, conversation: String, expected: Outcome, actual: Outcome) -> String {
        guard let expectedText = expected.text else {
            return "✗ \(file) [\(conversation)]: jinja2 raised (\(expected.error ?? "")) but we rendered"
        }
        guard let actualText = actual.text else {
            return "✗ \(file) [\(conversation)]: we raised (\(actual.error ?? "")) but jinja2 rendered"
        }
        let a = Array(expectedText.unicodeScalars)
        let b = Array(actualText.unicodeScalars)
        var index = 0
        while index < min(a.count, b.count) && a[index] == b[index] { index += 1 }
        func excerpt(_ scalars: [Unicode.Scalar]) -> String {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[max(0, index - 30)..<min(scalars.count, index + 50)])
            return String(view).debugDescription
        }
        return "✗ \(file) [\(conversation)] differs at \(index):\n    jinja2: \(excerpt(a))\n    ours:   \(excerpt(b))"
    }
}
