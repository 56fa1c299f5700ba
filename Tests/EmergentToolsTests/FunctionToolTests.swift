import EmergentCore
import EmergentTools
import Foundation
import NIOHTTP1
import Testing

@Suite("Function tools over HTTP")
struct FunctionToolTests {
    @Test("path parameters, query string and the environment's secret header reach the server for a GET")
    func getRequestIsBuiltFromTheTemplate() async throws {
        let server = try await FunctionTestServer.start { _ in .json(#"{"name":"Ada"}"#) }
        defer { Task { await server.stop() } }
        let definition = FunctionDefinition(
            name: "get_user", description: "Look up a user",
            parameters: [
                "type": "object",
                "properties": [
                    "id": ["type": "string"], "verbose": ["type": "boolean"],
                    "tags": ["type": "array", "items": ["type": "string"]],
                ],
                "required": ["id"],
            ],
            url: server.baseURL + "/users/{id}", headers: ["Authorization": "Bearer ${TEST_WEATHER_KEY}"])
        let tool = try FunctionTool(definition: definition, environment: ["TEST_WEATHER_KEY": "s3cret"])
        let output = try await tool.call(
            ["id": "a b/c", "verbose": true, "tags": ["x", "y z"]], context: try ToolTestSupport.context())

        #expect(!output.isError)
        #expect(output.text == #"{"name":"Ada"}"#)
        let request = try #require(server.requests.first)
        #expect(request.method == "GET")
        #expect(request.path == "/users/a%20b%2Fc")
        #expect(request.queryString == "verbose=true&tags=x&tags=y%20z")
        #expect(request.headers.first(name: "Authorization") == "Bearer s3cret")
        #expect(request.body.isEmpty)
    }

    @Test("a POST sends the arguments that are not in the path as a JSON object body")
    func postSendsJSONBody() async throws {
        let server = try await FunctionTestServer.start { _ in .json(#"{"id":7}"#, status: 201) }
        defer { Task { await server.stop() } }
        let definition = FunctionDefinition(
            name: "create_note", description: "Create a note",
            parameters: [
                "type": "object",
                "properties": ["book": ["type": "string"], "title": ["type": "string"], "count": ["type": "integer"]],
                "required": ["book", "title"],
            ],
            method: "post", url: server.baseURL + "/books/{book}/notes", headers: ["X-Static": "yes"])
        let tool = try FunctionTool(definition: definition, environment: [:])
        let output = try await tool.call(
            ["book": "work", "title": "Hi \"there\"", "count": 2], context: try ToolTestSupport.context())

        #expect(!output.isError)
        #expect(output.text == #"{"id":7}"#)
        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/books/work/notes")
        #expect(request.queryString == nil)
        #expect(request.headers.first(name: "Content-Type") == "application/json")
        #expect(request.headers.first(name: "X-Static") == "yes")
        #expect(try JSONValue(parsing: request.body) == ["title": "Hi \"there\"", "count": 2])
    }

    @Test("arguments that break the schema come back as an error observation, and nothing is sent")
    func invalidArgumentsAreNotSent() async throws {
        let server = try await FunctionTestServer.start { _ in .json("{}") }
        defer { Task { await server.stop() } }
        let definition = FunctionDefinition(
            name: "get_user", description: "Look up a user",
            parameters: [
                "type": "object", "properties": ["id": ["type": "integer"]], "required": ["id"],
                "additionalProperties": false,
            ],
            url: server.baseURL + "/users/{id}")
        let tool = try FunctionTool(definition: definition, environment: [:])
        let context = try ToolTestSupport.context()

        let wrongType = try await tool.call(["id": "seven"], context: context)
        #expect(wrongType.isError)
        #expect(wrongType.text.contains("$.id"))
        #expect(wrongType.text.contains("expected integer"))
        let missing = try await tool.call(["other": 1], context: context)
        #expect(missing.isError)
        #expect(missing.text.contains("id"))
        let notObject = try await tool.call(["a", "b"], context: context)
        #expect(notObject.isError)
        #expect(server.requests.isEmpty)
    }

    @Test("a 500 answer becomes an error observation with the status and the start of the body")
    func serverErrorIsAnObservation() async throws {
        let server = try await FunctionTestServer.start { _ in
            .text("database is on fire " + String(repeating: "x", count: 5_000), status: 500)
        }
        defer { Task { await server.stop() } }
        let tool = try FunctionTool(
            definition: FunctionDefinition(name: "ping", description: "Ping", url: server.baseURL + "/ping"),
            environment: [:])
        let output = try await tool.call(.object(JSONObject()), context: try ToolTestSupport.context())

        #expect(output.isError)
        #expect(output.text.hasPrefix("HTTP 500 Internal Server Error from GET \(server.baseURL)/ping"))
        #expect(output.text.contains("database is on fire"))
        #expect(output.text.count < 2_200)
    }

    @Test("a response longer than the cap is cut and says so")
    func longResponseIsCut() async throws {
        let server = try await FunctionTestServer.start { _ in .text(String(repeating: "abcd", count: 10_000)) }
        defer { Task { await server.stop() } }
        let tool = try FunctionTool(
            definition: FunctionDefinition(
                name: "big", description: "Big", url: server.baseURL + "/big", maxResponseBytes: 1_000),
            environment: [:])
        let output = try await tool.call(nil, context: try ToolTestSupport.context())

        #expect(!output.isError)
        #expect(output.text.hasPrefix(String(repeating: "abcd", count: 250) + "\n[response cut at 1000 bytes]"))
    }

    @Test("a server that does not answer in time is reported as a timeout")
    func slowServerTimesOut() async throws {
        let server = try await FunctionTestServer.start { _ in
            var reply = FunctionTestServer.Reply.json("{}")
            reply.delay = .seconds(5)
            return reply
        }
        defer { Task { await server.stop() } }
        let tool = try FunctionTool(
            definition: FunctionDefinition(name: "slow", description: "Slow", url: server.baseURL + "/slow"),
            environment: [:])
        let started = ContinuousClock.now
        let error = await #expect(throws: ToolError.self) {
            try await tool.call(nil, context: try ToolTestSupport.context(timeout: .milliseconds(500)))
        }
        #expect(error?.message.contains("did not answer within") == true)
        #expect(ContinuousClock.now - started < .seconds(4))
    }

    @Test("an unset environment variable in a header is a configuration error at load time")
    func missingSecretIsAConfigurationError() async throws {
        let settings = FunctionSettings(functions: [
            FunctionDefinition(
                name: "weather", description: "Weather", url: "https://api.example.com/weather",
                headers: ["Authorization": "Bearer ${EMERGENT_TEST_UNSET_KEY}"])
        ])
        let error = await #expect(throws: ToolConfigurationError.self) {
            _ = try await FunctionToolProvider.load(settings, environment: ["OTHER": "1"])
        }
        #expect(error?.kind == .missingEnvironmentVariable)
        #expect(error?.message.contains("EMERGENT_TEST_UNSET_KEY") == true)
        #expect(error?.message.contains("weather") == true)
    }

    @Test("a definition decodes from JSON with snake_case keys and keeps its schema's key order")
    func definitionDecodesFromJSON() throws {
        let json = try JSONValue(
            parsing: #"""
                {"name": "search", "description": "Search", "method": "post", "url": "https://x.example/s",
                 "arguments_in": "query", "timeout_seconds": 5,
                 "parameters": {"type": "object", "properties": {"q": {"type": "string"}, "a": {"type": "integer"}}}}
                """#)
        let definition = try FunctionDefinition(json: json)
        #expect(definition.method == "POST")
        #expect(definition.argumentsIn == .query)
        #expect(definition.timeoutSeconds == 5)
        #expect(definition.parameters["properties"]?.objectValue?.keys == ["q", "a"])
        #expect(throws: ToolConfigurationError.self) { try FunctionDefinition(json: ["name": "no_url"]) }
    }
}
