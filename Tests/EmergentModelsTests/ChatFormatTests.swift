import EmergentCore
import EmergentJinja
import Foundation
import Testing

@testable import EmergentModels

@Suite("Chat prompt formats")
struct ChatFormatTests {
    static let templates = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".deps/src/llama_cpp_python-0.3.36/vendor/llama.cpp/models/templates")

    static func template(_ file: String) throws -> ChatTemplate {
        let source = try String(contentsOf: templates.appendingPathComponent(file), encoding: .utf8)
        return try ChatTemplate(source: source, name: file, bosToken: "<s>", eosToken: "</s>")
    }

    @Test("the plain fallback format writes the documented transcript")
    func plainFormat() throws {
        let messages: [ChatMessage] = [
            .system("Be brief."), .user("Weather in Paris?"),
            .assistant("", toolCalls: [ToolCall(id: "c1", name: "get_weather", arguments: ["city": "Paris"])]),
            .tool("{\"temp\": 18}", callID: "c1", name: "get_weather"), .assistant("18°C."), .user("Thanks!"),
        ]
        let tools = [ToolSpec(name: "get_weather", description: "Weather for a city.", parameters: ["type": "object"])]
        let prompt = try PlainChatFormat().prompt(for: messages, tools: tools, addGenerationPrompt: true)
        #expect(
            prompt == """
                Be brief.

                Available tools:
                - get_weather: Weather for a city. Parameters: {"type":"object"}
                To call tools, reply with only {"tool_calls": [{"name": "…", "arguments": {…}}]}.

                User: Weather in Paris?
                Assistant:{"tool_calls": [{"name": "get_weather", "arguments": {"city":"Paris"}}]}
                Tool (get_weather): {"temp": 18}
                Assistant: 18°C.
                User: Thanks!
                Assistant:
                """)
        #expect(PlainChatFormat().stopSequences.contains("\nUser:"))
    }

    @Test("messages built in Swift render exactly like the same messages read from JSON")
    func swiftMessagesMatchJSON() throws {
        let template = try Self.template("Qwen-Qwen2.5-7B-Instruct.jinja")
        let messages: [ChatMessage] = [
            .system("You are helpful."), .user("Hi"), .assistant("Hello!"), .user("Weather in Paris?"),
            .assistant("", toolCalls: [ToolCall(id: "call_1", name: "get_weather", arguments: ["city": "Paris"])]),
            .tool("sunny", callID: "call_1", name: "get_weather"),
        ]
        let json = """
            [{"role": "system", "content": "You are helpful."}, {"role": "user", "content": "Hi"},
             {"role": "assistant", "content": "Hello!"}, {"role": "user", "content": "Weather in Paris?"},
             {"role": "assistant", "content": "", "tool_calls": [{"id": "call_1", "type": "function",
               "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]},
             {"role": "tool", "content": "sunny", "tool_call_id": "call_1", "name": "get_weather"}]
            """
        let fromSwift = try template.prompt(for: messages, tools: [], addGenerationPrompt: true)
        let fromJSON = try template.render(messages: try JinjaJSON.parse(json))
        #expect(fromSwift == fromJSON)
        #expect(fromSwift.hasSuffix("<|im_start|>assistant\n"))
        #expect(
            fromSwift.contains(
                "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>"))
    }

    @Test("a template that rejects a conversation raises with its own message")
    func templateRaises() throws {
        let template = try Self.template("google-gemma-2-2b-it.jinja")
        do {
            _ = try template.prompt(for: [.system("x"), .user("y")], tools: [], addGenerationPrompt: true)
            Issue.record("expected the template to raise")
        } catch let error as JinjaError {
            #expect(error.kind == .raised)
            #expect(error.message.contains("System role not supported"))
        }
    }
}
