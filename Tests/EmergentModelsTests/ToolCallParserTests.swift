import EmergentCore
import Foundation
import Testing

@testable import EmergentModels

/// Real-format outputs per family, each parsed in one piece and fed one character at a time.
@Suite("Tool-call and reasoning parsers")
struct ToolCallParserTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var family: ToolCallFormat.Family
        var output: String
        var expected: ParsedOutput
        var startsInReasoning = false
        var tools = ["get_weather", "search"]
        var testDescription: String { "\(family.rawValue): \(name)" }
    }

    static func call(_ index: Int, _ name: String, _ arguments: String, id: String? = nil) -> ParsedToolCall {
        ParsedToolCall(id: id ?? "call_\(index)", name: name, arguments: arguments)
    }

    static let paris = #"{"city":"Paris"}"#
    static let tokyo = #"{"city":"Tokyo","unit":"celsius"}"#

    static let cases: [Case] = [
        // Hermes / Qwen2.5 / Qwen3
        Case(
            name: "single call", family: .hermes,
            output: "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>",
            expected: ParsedOutput(toolCalls: [call(0, "get_weather", paris)])),
        Case(
            name: "parallel calls", family: .hermes,
            output:
                "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Tokyo\", \"unit\": \"celsius\"}}\n</tool_call>",
            expected: ParsedOutput(toolCalls: [call(0, "get_weather", paris), call(1, "get_weather", tokyo)])),
        Case(
            name: "text then call", family: .hermes,
            output:
                "Let me check the weather.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>",
            expected: ParsedOutput(content: "Let me check the weather.", toolCalls: [call(0, "get_weather", paris)])),
        Case(
            name: "reasoning then call", family: .hermes,
            output:
                "<think>\nThe user wants weather; call the tool.\n</think>\n\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>",
            expected: ParsedOutput(
                reasoning: "The user wants weather; call the tool.", toolCalls: [call(0, "get_weather", paris)])),
        Case(
            name: "reasoning opened by the prompt", family: .hermes, output: "Just answer.\n</think>\n\nIt is sunny.",
            expected: ParsedOutput(content: "It is sunny.", reasoning: "Just answer."), startsInReasoning: true),
        Case(
            name: "plain answer with a < sign", family: .hermes, output: "3 < 4 and <b>bold</b> text",
            expected: ParsedOutput(content: "3 < 4 and <b>bold</b> text")),
        Case(
            name: "malformed: invalid JSON", family: .hermes,
            output: "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {city: Paris}}\n</tool_call>",
            expected: ParsedOutput(
                content: "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {city: Paris}}\n</tool_call>",
                problems: ["the hermes tool call could not be parsed"])),
        Case(
            name: "malformed: unclosed tag", family: .hermes,
            output: "Sure. <tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Pa",
            expected: ParsedOutput(
                content: "Sure. <tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Pa",
                problems: ["the tool call was not closed with </tool_call>"])),
        Case(
            name: "malformed: unknown function", family: .hermes,
            output: "<tool_call>\n{\"name\": \"launch_rocket\", \"arguments\": {}}\n</tool_call>",
            expected: ParsedOutput(
                content: "<tool_call>\n{\"name\": \"launch_rocket\", \"arguments\": {}}\n</tool_call>",
                problems: ["the model called 'launch_rocket', which is not one of the offered tools"])),

        // Qwen3-Coder
        Case(
            name: "single call", family: .qwen3Coder,
            output:
                "<tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n</function>\n</tool_call>",
            expected: ParsedOutput(toolCalls: [call(0, "get_weather", paris)])),
        Case(
            name: "parallel calls with text", family: .qwen3Coder,
            output:
                "Checking both.\n<tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n</function>\n</tool_call>\n<tool_call>\n<function=search>\n<parameter=query>\nbest café\n</parameter>\n<parameter=max_results>\n3\n</parameter>\n</function>\n</tool_call>",
            expected: ParsedOutput(
                content: "Checking both.",
                toolCalls: [
                    call(0, "get_weather", paris), call(1, "search", #"{"query":"best café","max_results":3}"#),
                ])),
        Case(
            name: "malformed: missing </function>", family: .qwen3Coder,
            output: "<tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n</tool_call>",
            expected: ParsedOutput(
                content: "<tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n</tool_call>",
                problems: ["the qwen3Coder tool call could not be parsed"])),

        // GLM-4.5 / 4.6 / 4.7
        Case(
            name: "reasoning then parallel calls", family: .glm45,
            output:
                "<think>Two cities.</think>\n<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Paris</arg_value>\n</tool_call>\n<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Tokyo</arg_value>\n<arg_key>unit</arg_key>\n<arg_value>celsius</arg_value>\n</tool_call>",
            expected: ParsedOutput(
                reasoning: "Two cities.", toolCalls: [call(0, "get_weather", paris), call(1, "get_weather", tokyo)])),
        Case(
            name: "text then call with a number", family: .glm45,
            output:
                "Searching.<tool_call>search\n<arg_key>query</arg_key>\n<arg_value>swift</arg_value>\n<arg_key>max_results</arg_key>\n<arg_value>5</arg_value>\n</tool_call>",
            expected: ParsedOutput(
                content: "Searching.", toolCalls: [call(0, "search", #"{"query":"swift","max_results":5}"#)])),
        Case(
            name: "malformed: unclosed arg_value", family: .glm45,
            output: "<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Paris\n</tool_call>",
            expected: ParsedOutput(
                content: "<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Paris\n</tool_call>",
                problems: ["the glm45 tool call could not be parsed"])),

        // GLM-4-9B-chat
        Case(
            name: "name line then JSON", family: .glm4, output: "get_weather\n{\"city\": \"Paris\"}",
            expected: ParsedOutput(toolCalls: [call(0, "get_weather", paris)])),
        Case(
            name: "an ordinary answer", family: .glm4, output: "Paris is the capital of France.\nIt is lovely.",
            expected: ParsedOutput(content: "Paris is the capital of France.\nIt is lovely.")),

        // Llama 3.x
        Case(
            name: "bare JSON call", family: .llama3,
            output: "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}",
            expected: ParsedOutput(toolCalls: [call(0, "get_weather", paris)])),
        Case(
            name: "python tag call", family: .llama3,
            output: "<|python_tag|>{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}",
            expected: ParsedOutput(toolCalls: [call(0, "get_weather", paris)])),
        Case(
            name: "built-in tool", family: .llama3,
            output: "<|python_tag|>brave_search.call(query=\"weather in Paris\")",
            expected: ParsedOutput(toolCalls: [call(0, "brave_search", #"{"query":"weather in Paris"}"#)]), tools: []),
        Case(
            name: "JSON-looking answer stays content", family: .llama3, output: "{this is not a call}",
            expected: ParsedOutput(content: "{this is not a call}")),

        // Mistral / Nemo / Devstral
        Case(
            name: "v3 JSON list with ids", family: .mistral,
            output:
                "[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}, \"id\": \"a1b2c3d4e\"}, {\"name\": \"get_weather\", \"arguments\": {\"city\": \"Tokyo\", \"unit\": \"celsius\"}, \"id\": \"f5g6h7i8j\"}]",
            expected: ParsedOutput(toolCalls: [
                call(0, "get_weather", paris, id: "a1b2c3d4e"), call(1, "get_weather", tokyo, id: "f5g6h7i8j"),
            ])),
        Case(
            name: "v11 name[ARGS] with text", family: .mistral,
            output:
                "I'll check.[TOOL_CALLS]get_weather[ARGS]{\"city\": \"Paris\"}[TOOL_CALLS]get_weather[ARGS]{\"city\": \"Tokyo\", \"unit\": \"celsius\"}",
            expected: ParsedOutput(
                content: "I'll check.", toolCalls: [call(0, "get_weather", paris), call(1, "get_weather", tokyo)])),
        Case(
            name: "malformed: bad JSON", family: .mistral,
            output: "[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": ",
            expected: ParsedOutput(
                content: "[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\":",
                problems: ["the mistral tool call could not be parsed"])),

        // DeepSeek R1 / V3.1
        Case(
            name: "R1 with reasoning", family: .deepseek,
            output:
                "<think>\nNeed weather.\n</think>\n\n<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n{\"city\": \"Paris\"}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>",
            expected: ParsedOutput(reasoning: "Need weather.", toolCalls: [call(0, "get_weather", paris)])),
        Case(
            name: "V3.1 parallel", family: .deepseek,
            output:
                "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>{\"city\": \"Paris\"}<｜tool▁call▁end｜><｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>{\"city\": \"Tokyo\", \"unit\": \"celsius\"}<｜tool▁call▁end｜><｜tool▁calls▁end｜>",
            expected: ParsedOutput(toolCalls: [call(0, "get_weather", paris), call(1, "get_weather", tokyo)])),
        Case(
            name: "malformed: unclosed block", family: .deepseek,
            output: "Ok <｜tool▁calls▁begin｜><｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>{\"city\"",
            expected: ParsedOutput(
                content: "Ok <｜tool▁calls▁begin｜><｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>{\"city\"",
                problems: ["the tool call was not closed with <｜tool▁calls▁end｜>"])),

        // gpt-oss harmony
        Case(
            name: "analysis then call", family: .harmony,
            output:
                "<|channel|>analysis<|message|>Need the weather tool.<|end|><|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{\"city\":\"Paris\"}<|call|>",
            expected: ParsedOutput(reasoning: "Need the weather tool.", toolCalls: [call(0, "get_weather", paris)])),
        Case(
            name: "analysis then final answer", family: .harmony,
            output:
                "<|channel|>analysis<|message|>Simple.<|end|><|start|>assistant<|channel|>final<|message|>Hello there!<|return|>",
            expected: ParsedOutput(content: "Hello there!", reasoning: "Simple.")),
        Case(
            name: "recipient before channel", family: .harmony,
            output:
                "<|start|>assistant to=functions.get_weather<|channel|>commentary json<|message|>{\"city\": \"Paris\"}<|call|>",
            expected: ParsedOutput(toolCalls: [call(0, "get_weather", paris)])),
        Case(
            name: "malformed: arguments not JSON", family: .harmony,
            output: "<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>city=Paris<|call|>",
            expected: ParsedOutput(
                content: "city=Paris", problems: ["the arguments of the call to 'get_weather' are not a JSON object"])),

        // More of the matrix: reasoning, text and parallel cases for the remaining families.
        Case(
            name: "reasoning then call", family: .qwen3Coder,
            output:
                "<think>Need the tool.</think>\n<tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n</function>\n</tool_call>",
            expected: ParsedOutput(reasoning: "Need the tool.", toolCalls: [call(0, "get_weather", paris)])),
        Case(
            name: "single call", family: .glm45,
            output: "<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Paris</arg_value>\n</tool_call>",
            expected: ParsedOutput(toolCalls: [call(0, "get_weather", paris)])),
        Case(
            name: "malformed: python tag with bad JSON", family: .llama3,
            output: "<|python_tag|>{\"name\": \"get_weather\", \"parameters\": {\"city\": }}",
            expected: ParsedOutput(
                content: "<|python_tag|>{\"name\": \"get_weather\", \"parameters\": {\"city\": }}",
                problems: ["the llama3 tool call could not be parsed"])),
        Case(
            name: "reasoning then call", family: .mistral,
            output: "[THINK]Paris needs weather.[/THINK][TOOL_CALLS]get_weather[ARGS]{\"city\": \"Paris\"}",
            expected: ParsedOutput(reasoning: "Paris needs weather.", toolCalls: [call(0, "get_weather", paris)])),
        Case(
            name: "text then call", family: .deepseek,
            output:
                "Let me look that up.<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>{\"city\": \"Paris\"}<｜tool▁call▁end｜><｜tool▁calls▁end｜>",
            expected: ParsedOutput(content: "Let me look that up.", toolCalls: [call(0, "get_weather", paris)])),
        Case(
            name: "preamble then parallel calls", family: .harmony,
            output:
                "<|channel|>analysis<|message|>Two cities.<|end|><|start|>assistant<|channel|>commentary<|message|>Checking both.<|end|><|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{\"city\":\"Paris\"}<|call|><|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{\"city\":\"Tokyo\",\"unit\":\"celsius\"}<|call|>",
            expected: ParsedOutput(
                content: "Checking both.", reasoning: "Two cities.",
                toolCalls: [call(0, "get_weather", paris), call(1, "get_weather", tokyo)])),
        Case(
            name: "malformed: JSON arguments are not an object", family: .glm4, output: "get_weather\n[1, 2]",
            expected: ParsedOutput(content: "get_weather\n[1, 2]", problems: ["the glm4 tool call could not be parsed"])
        ),
        Case(
            name: "parallel calls separated by ';'", family: .llama3,
            output:
                "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}; {\"name\": \"search\", \"parameters\": {\"query\": \"x\"}}",
            expected: ParsedOutput(toolCalls: [call(0, "get_weather", paris), call(1, "search", #"{"query":"x"}"#)])),
        Case(
            name: "text then python tag call", family: .llama3,
            output: "Let me check.<|python_tag|>{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}",
            expected: ParsedOutput(content: "Let me check.", toolCalls: [call(0, "get_weather", paris)])),
        Case(
            name: "malformed: bare call with bad JSON", family: .llama3,
            output: "{\"name\": \"get_weather\", \"parameters\": {\"city\": Paris}}",
            expected: ParsedOutput(
                content: "{\"name\": \"get_weather\", \"parameters\": {\"city\": Paris}}",
                problems: ["the llama3 tool call could not be parsed"])),
        Case(
            name: "parallel calls", family: .generic,
            output:
                "{\"tool_calls\": [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}, {\"name\": \"search\", \"arguments\": {\"query\": \"x\"}}]}",
            expected: ParsedOutput(toolCalls: [call(0, "get_weather", paris), call(1, "search", #"{"query":"x"}"#)])),
        Case(
            name: "malformed: tool_calls with a broken call", family: .generic,
            output: "{\"tool_calls\": [{\"arguments\": {}}]}",
            expected: ParsedOutput(
                content: "{\"tool_calls\": [{\"arguments\": {}}]}",
                problems: ["the generic tool call could not be parsed"])),
        Case(
            name: "a name-like first line without offered tools is text", family: .glm4, output: "Hello\nworld",
            expected: ParsedOutput(content: "Hello\nworld"), tools: []),

        // Generic JSON fallback
        Case(
            name: "tool_calls object", family: .generic,
            output: "{\"tool_calls\": [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}]}",
            expected: ParsedOutput(toolCalls: [call(0, "get_weather", paris)])),
        Case(
            name: "plain text", family: .generic, output: "No tools needed: it is 4.",
            expected: ParsedOutput(content: "No tools needed: it is 4.")),
    ]

    static func format(_ family: ToolCallFormat.Family) -> ToolCallFormat {
        switch family {
        case .hermes: .hermes
        case .qwen3Coder: .qwen3Coder
        case .glm45: .glm45
        case .glm4: .glm4
        case .llama3: .llama3
        case .mistral: .mistral
        case .deepseek: .deepseek
        case .harmony: ToolCallFormat.detect(template: "<|channel|>")
        case .generic: .generic
        }
    }

    @Test("output parses to the exact structure in one piece and one character at a time", arguments: cases)
    func parse(testCase: Case) {
        var format = Self.format(testCase.family)
        if [.hermes, .deepseek, .qwen3Coder].contains(testCase.family) { format.reasoning = ("<think>", "</think>") }
        if testCase.family == .mistral { format.reasoning = ("[THINK]", "[/THINK]") }
        let whole = format.parse(
            testCase.output, toolNames: testCase.tools, startsInReasoning: testCase.startsInReasoning,
            ids: ToolCallIDs(prefix: "call_"))
        #expect(whole == testCase.expected)

        var parser = format.makeParser(
            toolNames: testCase.tools, startsInReasoning: testCase.startsInReasoning, ids: ToolCallIDs(prefix: "call_"))
        var events: [OutputEvent] = []
        for character in testCase.output { events += parser.feed(String(character)) }
        events += parser.finish()
        #expect(ParsedOutput(events: events) == testCase.expected)
        // Tool-call deltas come name first, then arguments.
        for (position, event) in events.enumerated() {
            if case .toolCallArguments(let index, _) = event {
                #expect(
                    events[..<position].contains {
                        if case .toolCallStart(index, _, _) = $0 { return true } else { return false }
                    })
            }
        }
    }

    @Test("content streams as soon as it cannot be the start of a marker")
    func contentStreamsEarly() {
        var parser = ToolCallFormat.hermes.makeParser()
        #expect(parser.feed("Hello wor") == [.content("Hello wor")])
        #expect(parser.feed("ld <tool") == [.content("ld ")])
        #expect(parser.feed("s are fun") == [.content("<tools are fun")])
        #expect(parser.finish() == [])
    }

    @Test(
        "the family is chosen from the chat template",
        arguments: [
            ("Qwen-Qwen2.5-7B-Instruct.jinja", ToolCallFormat.Family.hermes), ("Qwen-Qwen3-0.6B.jinja", .hermes),
            ("Qwen3-Coder.jinja", .qwen3Coder), ("GLM-4.6.jinja", .glm45), ("GLM-4.7-Flash.jinja", .glm45),
            ("meta-llama-Llama-3.1-8B-Instruct.jinja", .llama3), ("meta-llama-Llama-3.3-70B-Instruct.jinja", .llama3),
            ("mistralai-Mistral-Nemo-Instruct-2407.jinja", .mistral),
            ("unsloth-mistral-Devstral-Small-2507.jinja", .mistral),
            ("deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja", .deepseek),
            ("deepseek-ai-DeepSeek-V3.1.jinja", .deepseek),
            ("openai-gpt-oss-120b.jinja", .harmony), ("google-gemma-2-2b-it.jinja", .generic),
            ("NousResearch-Hermes-3-Llama-3.1-8B-tool_use.jinja", .hermes),
        ])
    func detection(file: String, family: ToolCallFormat.Family) throws {
        let source = try String(contentsOf: ChatFormatTests.templates.appendingPathComponent(file), encoding: .utf8)
        #expect(ToolCallFormat.detect(template: source).family == family)
    }

    @Test("XML-style values are typed from the tool's schema: string parameters stay text even when numeric")
    func schemaTypedValues() {
        let search = ToolSpec(
            name: "search", description: "Search.",
            parameters: [
                "type": "object", "properties": ["query": ["type": "string"], "max_results": ["type": "integer"]],
            ])
        let output =
            "<tool_call>\n<function=search>\n<parameter=query>\n12345\n</parameter>\n<parameter=max_results>\n3\n</parameter>\n</function>\n</tool_call>"
        var parser = ToolCallFormat.qwen3Coder.makeParser(tools: [search], ids: ToolCallIDs(prefix: "call_"))
        let parsed = ParsedOutput(events: parser.feed(output) + parser.finish())
        #expect(parsed.toolCalls == [Self.call(0, "search", #"{"query":"12345","max_results":3}"#)])
        // Without a schema, text that reads as JSON becomes JSON.
        let untyped = ToolCallFormat.qwen3Coder.parse(output, ids: ToolCallIDs(prefix: "call_"))
        #expect(untyped.toolCalls == [Self.call(0, "search", #"{"query":12345,"max_results":3}"#)])
    }
}
