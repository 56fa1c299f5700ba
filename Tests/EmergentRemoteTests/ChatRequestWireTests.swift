import EmergentCore
import EmergentModels
import EmergentRemote
import Foundation
import NIOHTTP1
import Testing

/// What the backend sends: the JSON body and headers a scripted server receives.
@Suite("Chat request wire format")
struct ChatRequestWireTests {
    /// Sends `request` to a scripted server and returns the JSON body and the request it received.
    func sent(_ request: ChatRequest, apiKey: String? = nil) async throws -> ([String: Any], ScriptedServer.Request) {
        let server = try await ScriptedServer.start(always: .events(SSE.hello))
        defer { Task { await server.stop() } }
        let reply = await Collected.from(
            backend(server.baseURL, apiKey: apiKey, model: "upstream-model").stream(request))
        #expect(reply.error == nil)
        let received = try #require(server.requests.first)
        let json = try JSONSerialization.jsonObject(with: Data(received.body.utf8))
        return (try #require(json as? [String: Any]), received)
    }

    static let weather = ToolSpec(
        name: "get_weather", description: "Current weather",
        parameters: ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]])

    @Test("a full request carries messages, tools, sampling and streaming options as OpenAI names them")
    func fullRequest() async throws {
        let request = ChatRequest(
            messages: [
                .system("Be brief."),
                ChatMessage(role: .developer, content: "Use tools."),
                .user("Weather in Oslo?"),
                .assistant("", toolCalls: [ToolCall(id: "call_1", name: "get_weather", arguments: ["city": "Oslo"])]),
                .tool("cold", callID: "call_1", name: "get_weather"),
            ],
            tools: [Self.weather], toolChoice: .function("get_weather"), parallelToolCalls: false,
            responseFormat: .jsonSchema(["title": "City answer", "type": "object"], strict: true),
            sampling: SamplingParameters(temperature: 0.5, topP: 0.9, presencePenalty: 0.1, seed: 42), maxTokens: 64,
            stop: ["\n\n"], logprobs: 2)
        let (body, received) = try await sent(request, apiKey: "sk-test")

        #expect(received.method == .POST)
        #expect(received.uri == "/v1/chat/completions")
        #expect(received.headers.first(name: "Authorization") == "Bearer sk-test")
        #expect(received.headers.first(name: "Content-Type") == "application/json")

        #expect(body["model"] as? String == "upstream-model")
        #expect(body["stream"] as? Bool == true)
        #expect((body["stream_options"] as? [String: Any])?["include_usage"] as? Bool == true)
        let messages = try #require(body["messages"] as? [[String: Any]])
        #expect(messages.compactMap { $0["role"] as? String } == ["system", "developer", "user", "assistant", "tool"])
        #expect(messages[3]["content"] is NSNull)
        let call = try #require((messages[3]["tool_calls"] as? [[String: Any]])?.first)
        #expect(call["id"] as? String == "call_1")
        #expect(call["type"] as? String == "function")
        let function = try #require(call["function"] as? [String: Any])
        #expect(function["name"] as? String == "get_weather")
        let arguments = try #require(function["arguments"] as? String)
        let parsed = try JSONSerialization.jsonObject(with: Data(arguments.utf8)) as? [String: Any]
        #expect(parsed?["city"] as? String == "Oslo")
        #expect(messages[4]["tool_call_id"] as? String == "call_1")
        #expect(messages[4]["content"] as? String == "cold")

        let tool = try #require((body["tools"] as? [[String: Any]])?.first)
        #expect(tool["type"] as? String == "function")
        let toolFunction = try #require(tool["function"] as? [String: Any])
        #expect(toolFunction["name"] as? String == "get_weather")
        #expect(toolFunction["description"] as? String == "Current weather")
        #expect((toolFunction["parameters"] as? [String: Any])?["type"] as? String == "object")
        let choice = try #require(body["tool_choice"] as? [String: Any])
        #expect(choice["type"] as? String == "function")
        #expect((choice["function"] as? [String: Any])?["name"] as? String == "get_weather")
        #expect(body["parallel_tool_calls"] as? Bool == false)

        let format = try #require(body["response_format"] as? [String: Any])
        #expect(format["type"] as? String == "json_schema")
        let schema = try #require(format["json_schema"] as? [String: Any])
        #expect(schema["name"] as? String == "City_answer")
        #expect(schema["strict"] as? Bool == true)
        #expect((schema["schema"] as? [String: Any])?["type"] as? String == "object")

        #expect(body["temperature"] as? Double == 0.5)
        #expect(body["top_p"] as? Double == 0.9)
        #expect(body["presence_penalty"] as? Double == 0.1)
        #expect(body["frequency_penalty"] == nil)
        #expect(body["seed"] as? Int == 42)
        #expect(body["max_tokens"] as? Int == 64)
        #expect(body["stop"] as? [String] == ["\n\n"])
        #expect(body["logprobs"] as? Bool == true)
        #expect(body["top_logprobs"] as? Int == 2)
    }

    @Test("a plain request leaves out tools, tool choice, response format and unused options")
    func plainRequest() async throws {
        let (body, received) = try await sent(ChatRequest(messages: [.user("Hi")]))
        #expect(received.headers.first(name: "Authorization") == nil)
        for key in [
            "tools", "tool_choice", "parallel_tool_calls", "response_format", "stop", "seed", "logprobs",
            "top_logprobs", "top_k", "min_p", "repeat_penalty", "presence_penalty",
        ] {
            #expect(body[key] == nil, "\(key) should be left out")
        }
        #expect(body["temperature"] as? Double == 0)
    }

    @Test(
        "tool_choice is sent the way OpenAI spells it",
        arguments: [
            (ToolChoice.none, "\"none\""), (.auto, "\"auto\""), (.required, "\"required\""),
            (.function("get_weather"), #"{"function":{"name":"get_weather"},"type":"function"}"#),
        ])
    func toolChoice(choice: ToolChoice, expected: String) async throws {
        let (body, _) = try await sent(ChatRequest(messages: [.user("Hi")], tools: [Self.weather], toolChoice: choice))
        let value = try #require(body["tool_choice"])
        let encoded = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
        #expect(String(decoding: encoded, as: UTF8.self) == expected)
    }

    @Test("json_object response format")
    func jsonObject() async throws {
        let (body, _) = try await sent(ChatRequest(messages: [.user("Hi")], responseFormat: .jsonObject))
        #expect((body["response_format"] as? [String: Any])?["type"] as? String == "json_object")
    }
}
