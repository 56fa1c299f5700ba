import EmergentCore
import EmergentTools
import Foundation
import NIOHTTP1
import Testing

@Suite("OpenAPI import")
struct OpenAPIImportTests {
    static let document = ToolTestSupport.fixtures.appendingPathComponent("openapi/notes.yaml").path

    @Test("each JSON-capable operation of a YAML document becomes a tool with a merged, resolved schema")
    func importsOperations() async throws {
        let definitions = try await OpenAPIImporter().load(OpenAPISource(location: Self.document))
        #expect(definitions.map(\.name) == ["listNotes", "createNote", "getNote", "delete_notes_noteId"])
        let byName = Dictionary(uniqueKeysWithValues: definitions.map { ($0.name, $0) })

        let list = try #require(byName["listNotes"])
        #expect(list.description == "List notes, newest first")
        #expect(list.method == "GET")
        #expect(list.url == "https://notes.example.com/v1/notes")
        #expect(list.parameters["properties"]?["limit"] == ["type": "integer", "minimum": 1, "description": "How many notes to return"])
        #expect(list.argumentLocations == ["limit": .query, "X-Trace": .header])

        let create = try #require(byName["createNote"])
        #expect(create.parameters["required"] == ["title"])
        #expect(create.parameters["properties"]?["tags"]?["items"] == ["type": "string", "enum": ["work", "home"]])
        #expect(create.argumentLocations == ["title": .body, "body": .body, "tags": .body])
        #expect(!create.parameters.compactJSON.contains("$ref"))

        let get = try #require(byName["getNote"])
        #expect(get.description == "Fetch one note by its id")
        #expect(get.url == "https://notes.example.com/v1/notes/{noteId}")
        #expect(get.parameters["required"] == ["noteId"])
        #expect(byName["delete_notes_noteId"]?.method == "DELETE")
    }

    @Test("a call through an imported operation reaches the server with the override URL and source headers")
    func callThroughImportedOperation() async throws {
        let server = try await FunctionTestServer.start { request in
            request.method == "POST" ? .json(#"{"id":42}"#, status: 201) : .json(#"{"id":42,"title":"Hi"}"#)
        }
        defer { Task { await server.stop() } }
        let source = OpenAPISource(
            location: Self.document, serverURL: server.baseURL + "/api/", headers: ["Authorization": "Token ${NOTES_TOKEN}"])
        let provider = try await FunctionToolProvider.load(
            FunctionSettings(openapi: [source]), environment: ["NOTES_TOKEN": "t0k"])
        let tools = try await provider.tools()
        let create = try #require(tools.first { $0.spec.name == "createNote" })
        let get = try #require(tools.first { $0.spec.name == "getNote" })
        let context = try ToolTestSupport.context()

        let created = try await create.call(["title": "Hi", "tags": ["work"]], context: context)
        #expect(!created.isError)
        #expect(created.text == #"{"id":42}"#)
        let fetched = try await get.call(["noteId": 42], context: context)
        #expect(fetched.text == #"{"id":42,"title":"Hi"}"#)
        let rejected = try await create.call(["title": "Hi", "tags": ["garden"]], context: context)
        #expect(rejected.isError)

        let requests = server.requests
        try #require(requests.count == 2)
        #expect(requests[0].method == "POST")
        #expect(requests[0].path == "/api/notes")
        #expect(try JSONValue(parsing: requests[0].body) == ["title": "Hi", "tags": ["work"]])
        #expect(requests[0].headers.first(name: "Authorization") == "Token t0k")
        #expect(requests[1].method == "GET")
        #expect(requests[1].path == "/api/notes/42")
    }

    @Test("a JSON document fetched from a URL with a relative server URL calls that same host")
    func importsFromURL() async throws {
        let document = #"""
            {"openapi": "3.1.0", "info": {"title": "Echo", "version": "1"}, "servers": [{"url": "/api"}],
             "paths": {"/echo/{word}": {"get": {"summary": "Echo a word", "parameters": [
               {"name": "word", "in": "path", "required": true, "schema": {"type": "string"}},
               {"name": "times", "in": "query", "schema": {"type": "integer"}}]}}}}
            """#
        let server = try await FunctionTestServer.start { request in
            request.path == "/spec/openapi.json" ? .json(document) : .text("echo")
        }
        defer { Task { await server.stop() } }
        let provider = try await FunctionToolProvider.load(
            FunctionSettings(openapi: [OpenAPISource(location: server.baseURL + "/spec/openapi.json")]),
            environment: [:])
        let tools = try await provider.tools()
        let tool = try #require(tools.first)
        #expect(tools.map(\.spec.name) == ["get_echo_word"])
        #expect(tool.spec.description == "Echo a word")
        let output = try await tool.call(["word": "hi there", "times": 2], context: try ToolTestSupport.context())
        #expect(output.text == "echo")
        #expect(server.requests.last?.uri == "/api/echo/hi%20there?times=2")
    }

    @Test("a document that is not OpenAPI 3 is a configuration error naming the file")
    func rejectsNonOpenAPIDocuments() throws {
        let error = #expect(throws: ToolConfigurationError.self) {
            _ = try OpenAPIImporter().definitions(
                from: ["swagger": "2.0", "paths": .object(JSONObject())], source: OpenAPISource(location: "old.json"))
        }
        #expect(error?.kind == .invalidOpenAPIDocument)
        #expect(error?.message.contains("old.json") == true)
    }
}
