import ArgumentParser
import EmergentCore
import EmergentJinja
import Foundation

/// `emergent bench template`: chat-template rendering speed, next to Python's jinja2.
struct TemplateBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "Measure chat-template rendering speed next to Python jinja2.",
        discussion: """
            Renders a typical 10-message conversation (system prompt, tools, several turns, a tool call and its \
            result) through every template in llama.cpp's models/templates, many times each, and reports the median \
            time per render. Templates are compiled once, as a server would. With the reference venv from \
            `scripts/setup.sh --peers`, jinja2 renders the same inputs in the same run for comparison.
            """
    )

    @Option(name: .long, help: "Folder of .jinja templates (default: llama.cpp's models/templates).")
    var templates: String?

    @Option(name: .long, help: "Renders per template.")
    var iterations: Int = 200

    @Flag(name: .long, help: "Skip the jinja2 comparison.")
    var noPeer = false

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    static let conversation = """
        {"messages": [
          {"role": "system", "content": "You are a helpful assistant with access to tools."},
          {"role": "user", "content": "Hi! Can you help me plan a trip?"},
          {"role": "assistant", "content": "Of course. Where would you like to go?"},
          {"role": "user", "content": "Paris, next week. What will the weather be like?"},
          {"role": "assistant", "content": "", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]},
          {"role": "tool", "tool_call_id": "call_1", "name": "get_weather", "content": "{\\"forecast\\": \\"sunny\\", \\"high\\": 24}"},
          {"role": "assistant", "content": "Sunny with highs around 24°C. Pack light clothes."},
          {"role": "user", "content": "Great. Any museum you recommend?"},
          {"role": "assistant", "content": "The Musée d'Orsay is wonderful for impressionist art."},
          {"role": "user", "content": "Thanks! How do I get there from the Eiffel Tower?"}
        ],
        "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Get the weather forecast for a city.",
          "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]}
        """

    func run() async throws {
        try await CommandErrors.reporting {
            let root = try PeerTools.locateRoot()
            let folder =
                templates.map { URL(fileURLWithPath: $0) }
                ?? root.appendingPathComponent(".deps/src/llama_cpp_python-0.3.36/vendor/llama.cpp/models/templates")
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter {
                $0.hasSuffix(".jinja")
            }.sorted()
            guard !files.isEmpty else {
                throw CommandFailure(
                    message: "No .jinja files in '\(folder.path)'.",
                    recovery: "Run scripts/setup.sh, or pass --templates.")
            }
            guard case .dict(let input) = try JinjaJSON.parse(Self.conversation) else { return }
            let context: [String: JinjaValue] = [
                "messages": input["messages"] ?? .list([]), "tools": input["tools"] ?? .none, "documents": .none,
                "add_generation_prompt": .bool(true), "bos_token": .string("<s>"), "eos_token": .string("</s>"),
            ]
            var ours: [String: Double] = [:]
            for file in files {
                guard let source = try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8),
                    let template = try? JinjaTemplate(source, name: file), (try? template.render(context)) != nil
                else { continue }
                var samples: [Double] = []
                for _ in 0..<iterations {
                    let start = ContinuousClock.now
                    _ = try? template.render(context)
                    samples.append((ContinuousClock.now - start) / .seconds(1))
                }
                ours[file] = median(samples)
            }
            var theirs: [String: Double] = [:]
            let python = root.appendingPathComponent(".deps/venv/bin/python").path
            if !noPeer, FileManager.default.isExecutableFile(atPath: python) {
                let conversationFile = FileManager.default.temporaryDirectory.appendingPathComponent(
                    "emergent-bench-conversation.json")
                try Self.conversation.write(to: conversationFile, atomically: true, encoding: .utf8)
                let result = try PeerTools.run(
                    python,
                    [
                        root.appendingPathComponent("scripts/bench_jinja2.py").path, folder.path, conversationFile.path,
                        "\(iterations)",
                    ],
                    capture: true)
                if result.status == 0, let data = result.output.data(using: .utf8),
                    let parsed = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
                {
                    for (key, value) in parsed { if let seconds = value as? Double { theirs[key] = seconds } }
                }
            }
            let report = TemplateBenchReport(ours: ours, jinja2: theirs, iterations: iterations)
            if json { try printJSON(report) } else { Terminal.output(report.table) }
        }
    }
}

/// What `emergent bench template` measured.
struct TemplateBenchReport: Encodable {
    var ours: [String: Double]
    var jinja2: [String: Double]
    var iterations: Int

    var table: String {
        let micro = { (seconds: Double) in String(format: "%8.1f µs", seconds * 1e6) }
        var lines = [
            "", "Chat-template rendering, 10-message conversation with tools · median of \(iterations) renders", "",
        ]
        lines.append(
            "template".padding(toLength: 52, withPad: " ", startingAt: 0) + "   Emergent      jinja2   speed-up")
        for (file, seconds) in ours.sorted(by: { $0.value > $1.value }) {
            let peer = jinja2[file]
            lines.append(
                file.padding(toLength: 52, withPad: " ", startingAt: 0) + micro(seconds) + "  "
                    + (peer.map(micro) ?? "         -")
                    + (peer.map { String(format: "  %6.1f×", $0 / seconds) } ?? ""))
        }
        let all = Array(ours.values)
        let under = all.filter { $0 < 0.001 }.count
        lines.append("")
        lines.append(
            String(
                format: "%d templates: median %.1f µs, slowest %.1f µs; %d/%d under 1 ms (target)", all.count,
                median(all) * 1e6,
                (all.max() ?? 0) * 1e6, under, all.count))
        let ratios = ours.compactMap { file, seconds in jinja2[file].map { $0 / seconds } }
        if !ratios.isEmpty { lines.append(String(format: "median speed-up over jinja2: %.1f×", median(ratios))) }
        return lines.joined(separator: "\n") + "\n"
    }
}
