import ArgumentParser
import EmergentCore
import EmergentEngine
import EmergentJinja
import EmergentModels
import Foundation

/// `emergent template …`: debug chat templates.
struct TemplateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "Work with Jinja chat templates.",
        subcommands: [TemplateRenderCommand.self]
    )
}

/// `emergent template render`: print the exact prompt a template makes of a conversation.
struct TemplateRenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render a conversation through a chat template and print the prompt exactly.",
        discussion: """
            Renders as Hugging Face transformers does (jinja2 semantics, trim_blocks, lstrip_blocks). The output is \
            the prompt and nothing else: no trailing newline is added. The messages file holds a JSON array of \
            OpenAI-style messages, or an object with "messages" (and optionally "tools"); key order is kept.

            Examples:
              emergent template render --model qwen3.gguf --messages chat.json
              emergent template render --template tmpl.jinja --messages chat.json --tools tools.json --now 2026-01-02T03:04:05
            """
    )

    @Option(name: .long, help: "A GGUF model whose embedded template (and BOS/EOS tokens) to use.")
    var model: String?

    @Option(name: .long, help: "A Jinja template file to use instead of a model's.")
    var template: String?

    @Option(name: .long, help: "JSON file with the messages.")
    var messages: String

    @Option(name: .long, help: "JSON file with the tools (OpenAI format).")
    var tools: String?

    @Flag(name: .long, help: "Do not end with the assistant's turn header (add_generation_prompt=false).")
    var noGenerationPrompt = false

    @Option(name: .long, help: "The bos_token text (default: the model's, or empty with --template).")
    var bos: String?

    @Option(name: .long, help: "The eos_token text (default: the model's, or empty with --template).")
    var eos: String?

    @Option(name: .long, help: "Pin strftime_now to this UTC time, e.g. 2026-01-02T03:04:05.")
    var now: String?

    @Option(name: .long, help: "An extra template variable as name=JSON, e.g. enable_thinking=false (repeatable).")
    var variable: [String] = []

    func validate() throws {
        guard (model == nil) != (template == nil) else {
            throw ValidationError("Pass exactly one of --model or --template.")
        }
    }

    func run() async throws {
        try await CommandErrors.reporting {
            let pinned = try now.map { text throws in
                guard let date = Self.parseDate(text) else {
                    throw CommandFailure(message: "--now '\(text)' is not a time like 2026-01-02T03:04:05.")
                }
                return date
            }
            var chatTemplate: ChatTemplate
            if let template {
                guard let source = try? String(contentsOfFile: template, encoding: .utf8) else {
                    throw CommandFailure(
                        message: "Cannot read the template file '\(template)'.", recovery: "Check the path.")
                }
                chatTemplate = try ChatTemplate(
                    source: source, name: URL(fileURLWithPath: template).lastPathComponent, bosToken: bos ?? "",
                    eosToken: eos ?? "", now: pinned)
            } else {
                let path = model ?? ""
                let loaded = try await Model.load(from: path, options: ModelOptions(vocabularyOnly: true))
                guard let fromModel = try ChatTemplate.of(loaded, now: pinned) else {
                    throw CommandFailure(
                        message: "'\(path)' has no chat template in its metadata (it is probably a base model).",
                        recovery: "Pass a template file with --template.")
                }
                chatTemplate = fromModel
                if let bos { chatTemplate.bosToken = bos }
                if let eos { chatTemplate.eosToken = eos }
            }
            var conversation = try Self.readJSON(messages, what: "messages")
            var toolList: JinjaValue = .none
            if case .dict(let object) = conversation {
                toolList = object["tools"] ?? .none
                conversation = object["messages"] ?? .list([])
            }
            if let tools { toolList = try Self.readJSON(tools, what: "tools") }
            var extra: [String: JinjaValue] = [:]
            for assignment in variable {
                guard let equals = assignment.firstIndex(of: "=") else {
                    throw CommandFailure(message: "--variable '\(assignment)' is not name=JSON.")
                }
                let name = String(assignment[..<equals])
                let text = String(assignment[assignment.index(after: equals)...])
                extra[name] = (try? JinjaJSON.parse(text)) ?? .string(text)
            }
            let prompt = try chatTemplate.render(
                messages: conversation, tools: toolList, addGenerationPrompt: !noGenerationPrompt, extra: extra)
            Terminal.output(prompt)
        }
    }

    static func readJSON(_ path: String, what: String) throws -> JinjaValue {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CommandFailure(message: "Cannot read the \(what) file '\(path)'.", recovery: "Check the path.")
        }
        do {
            return try JinjaJSON.parse(text)
        } catch {
            throw CommandFailure(message: "The \(what) file '\(path)' is not valid JSON: \(error).")
        }
    }

    static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withFullDate, .withFullTime]
        if let date = formatter.date(from: text) { return date }
        return formatter.date(from: text + "Z")
    }
}
