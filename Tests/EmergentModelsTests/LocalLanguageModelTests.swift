import EmergentCore
import EmergentEngine
import EmergentJinja
import Foundation
import Testing

@testable import EmergentModels

@Suite("Chat on the embedded engine: templates, forced tool calls, structured output")
struct LocalLanguageModelTests {
    static let weather = ToolSpec(
        name: "get_weather", description: "Get the current weather for a city.",
        parameters: [
            "type": "object",
            "properties": ["city": ["type": "string", "maxLength": 20], "unit": ["enum": ["celsius", "fahrenheit"]]],
            "required": ["city", "unit"],
        ])
    static let search = ToolSpec(
        name: "search", description: "Search the web.",
        parameters: [
            "type": "object", "properties": ["query": ["type": "string", "maxLength": 30]], "required": ["query"],
        ])

    static func collect(_ model: any LanguageModel, _ request: ChatRequest) async throws -> (
        ParsedOutput, FinishReason?
    ) {
        var output = ParsedOutput()
        var reason: FinishReason?
        for try await event in model.stream(request) {
            switch event {
            case .content(let text): output.apply(.content(text))
            case .reasoning(let text): output.apply(.reasoning(text))
            case .toolCallStart(let index, let id, let name):
                output.apply(.toolCallStart(index: index, id: id, name: name))
            case .toolCallArguments(let index, let fragment):
                output.apply(.toolCallArguments(index: index, fragment: fragment))
            case .malformed(let text, let why): output.apply(.malformed(text: text, reason: why))
            case .logprobs: break
            case .finished(let finish, _): reason = finish
            case .logprobs: break
            }
        }
        return (output, reason)
    }

    static func model(template file: String) async throws -> LocalLanguageModel {
        let loaded = try await ConstrainedDecodingTests.model.value
        let session = try await InferenceSession(model: loaded, options: SessionOptions(contextLength: 2048))
        let source = try String(contentsOf: ChatFormatTests.templates.appendingPathComponent(file), encoding: .utf8)
        let format = ChatFormat(
            prompt: try ChatTemplate(source: source, name: file, bosToken: "<bos>", eosToken: "<eos>"),
            toolCalls: .detect(template: source))
        return LocalLanguageModel(session: session, format: format)
    }

    @Test(
        "tool_choice required forces a valid call in each family's own syntax",
        arguments: [
            "Qwen-Qwen2.5-7B-Instruct.jinja", "Qwen3-Coder.jinja", "GLM-4.6.jinja",
            "meta-llama-Llama-3.1-8B-Instruct.jinja",
            "mistralai-Mistral-Nemo-Instruct-2407.jinja", "unsloth-mistral-Devstral-Small-2507.jinja",
            "deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja", "deepseek-ai-DeepSeek-V3.1.jinja",
            "openai-gpt-oss-120b.jinja",
            "google-gemma-2-2b-it.jinja",
        ])
    func forcedToolCall(template: String) async throws {
        let model = try await Self.model(template: template)
        let request = ChatRequest(
            messages: [.user("What is the weather in Paris right now?")], tools: [Self.weather, Self.search],
            toolChoice: .required, parallelToolCalls: false, sampling: SamplingParameters(temperature: 0.7, seed: 3),
            maxTokens: 160)
        let (output, reason) = try await Self.collect(model, request)
        #expect(output.problems == [], "\(template): \(output.content)")
        let call = try #require(output.toolCalls.first, "\(template): no call parsed from \(output.content)")
        #expect(output.toolCalls.count == 1)
        #expect(reason == .toolCalls)
        let tool = try #require([Self.weather, Self.search].first { $0.name == call.name })
        let arguments = try JinjaJSON.parse(call.arguments)
        #expect(
            JSONSchemaValidator(schema: tool.parameters.jinjaValue).problems(in: arguments) == [],
            "\(template): \(call.arguments)")
    }

    @Test("a named tool_choice calls exactly that function")
    func namedToolChoice() async throws {
        let model = try await Self.model(template: "Qwen-Qwen2.5-7B-Instruct.jinja")
        let request = ChatRequest(
            messages: [.user("Find me something.")], tools: [Self.weather, Self.search],
            toolChoice: .function("search"),
            maxTokens: 120)
        let (output, _) = try await Self.collect(model, request)
        #expect(output.toolCalls.map(\.name) == ["search"])
        await #expect(throws: EngineError.self) {
            _ = try await Self.collect(
                model, ChatRequest(messages: [.user("x")], tools: [Self.weather], toolChoice: .function("nope")))
        }
    }

    @Test("with tool_choice auto, a call the model starts on its own is held to the schema by the lazy grammar")
    func lazyGrammarAuto() async throws {
        // A plain-transcript model shown worked examples writes the generic call form by itself.
        let loaded = try await ConstrainedDecodingTests.model.value
        let session = try await InferenceSession(model: loaded, options: SessionOptions(contextLength: 2048))
        let model = LocalLanguageModel(
            session: session, format: ChatFormat(prompt: PlainChatFormat(), toolCalls: .generic))
        let examples: [ChatMessage] = [
            .system("Reply with a tool call in JSON."),
            .user("Weather in Rome?"),
            .assistant(#"{"tool_calls": [{"name": "get_weather", "arguments": {"city": "Rome", "unit": "celsius"}}]}"#),
            .user("Weather in Oslo?"),
            .assistant(#"{"tool_calls": [{"name": "get_weather", "arguments": {"city": "Oslo", "unit": "celsius"}}]}"#),
            .user("Weather in Lima?"),
            .assistant(
                #"{"tool_calls": [{"name": "get_weather", "arguments": {"city": "Lima", "unit": "fahrenheit"}}]}"#),
            .user("Weather in Paris?"),
        ]
        let request = ChatRequest(messages: examples, tools: [Self.weather], toolChoice: .auto, maxTokens: 80)
        let prepared = try model.format.prepare(request)
        #expect(prepared.grammar?.triggerPatterns.isEmpty == false)
        let (output, reason) = try await Self.collect(model, request)
        let call = try #require(output.toolCalls.first, "no call: \(output.content)")
        #expect(call.name == "get_weather")
        #expect(reason == .toolCalls)
        #expect(
            JSONSchemaValidator(schema: Self.weather.parameters.jinjaValue).problems(
                in: try JinjaJSON.parse(call.arguments)) == [])
    }

    @Test("response_format json_schema gives content that validates")
    func structuredOutput() async throws {
        let loaded = try await ConstrainedDecodingTests.model.value
        let session = try await InferenceSession(model: loaded, options: SessionOptions(contextLength: 1024))
        let model = try LocalLanguageModel(session: session)
        let schema: JSONValue = [
            "type": "object",
            "properties": ["answer": ["type": "string", "maxLength": 40], "confidence": ["enum": ["low", "high"]]],
            "required": ["answer", "confidence"], "additionalProperties": false,
        ]
        let request = ChatRequest(
            messages: [.user("What is the capital of France? Answer in JSON.")],
            responseFormat: .jsonSchema(schema, strict: true), maxTokens: 120)
        let (output, reason) = try await Self.collect(model, request)
        #expect(reason == .endOfGeneration)
        let value = try JinjaJSON.parse(output.content)
        #expect(JSONSchemaValidator(schema: schema.jinjaValue).problems(in: value) == [])
    }
}
