import EmergentCore
import EmergentPlatform
import EmergentServer
import Foundation
import NIOHTTP1
import Testing

@Suite("Agent management API", .serialized)
struct AgentAPITests {
    @Test("create, read, edit the draft, publish, list versions; a published version does not change with later edits")
    func lifecycle() async throws {
        let live = try await PlatformServer.start()
        defer { Task { await live.stop() } }
        let id = try await live.createAgent(TestScripts.agent(name: "Analyst"))
        let created = try await live.send("/v1/agents/\(id)", method: .GET)
        #expect(created.json["published_version"] == 1)
        #expect(created.json["definition"]?["tools"]?["python"] != nil)

        let edited = try await live.send(
            "/v1/agents/\(id)", method: .PATCH, json: ["instructions": "Answer in French.", "description": .null])
        #expect(edited.status == 200, "\(edited.body)")
        #expect(edited.json["definition"]?["instructions"] == "Answer in French.")
        #expect(edited.json["description"] == .null)
        #expect(edited.json["published_version"] == 1)

        let published = try await live.send("/v1/agents/\(id)/publish", json: ["note": "French"])
        #expect(published.status == 201)
        #expect(published.json["version"] == 2)
        _ = try await live.send("/v1/agents/\(id)", method: .PATCH, json: ["instructions": "Answer in German."])
        let versions = try await live.send("/v1/agents/\(id)/versions", method: .GET)
        let list = versions.json["data"]?.arrayValue ?? []
        #expect(list.map { $0["version"] } == [2, 1])
        #expect(list.first?["definition"]?["instructions"] == "Answer in French.")
        #expect(list.last?["definition"]?["instructions"] == "Be exact.")

        let agents = try await live.send("/v1/agents", method: .GET)
        #expect(agents.json["data"]?.arrayValue?.count == 1)
        #expect(agents.json["data"]?[0]?["name"] == "Analyst")
    }

    @Test("a YAML body creates an agent, and export gives YAML that imports back to the same definition")
    func yamlRoundTrip() async throws {
        let live = try await PlatformServer.start()
        defer { Task { await live.stop() } }
        let yaml = """
            name: Researcher
            description: Finds things.
            instructions: |
              Search first.
              Cite every source.
            model: scripted
            tools:
              python: {timeout_seconds: 20}
            limits:
              max_tool_rounds: 4
            sampling:
              temperature: 0.3
            welcome: Hello!
            suggested_prompts: [What is new?]
            """
        let reply = try await live.send("/v1/agents", body: yaml, contentType: "application/yaml")
        #expect(reply.status == 201, "\(reply.body)")
        let id = try #require(reply.json["id"]?.stringValue)
        let exported = try await live.send("/v1/agents/\(id)/export", method: .GET)
        #expect(exported.headers.first(name: "content-type")?.hasPrefix("text/yaml") == true)
        let again = try await live.send("/v1/agents", body: exported.body, contentType: "application/yaml")
        #expect(again.status == 201, "\(again.body)")
        #expect(again.json["definition"] == reply.json["definition"])
        #expect(reply.json["definition"]?["instructions"] == "Search first.\nCite every source.\n")
    }

    @Test("bad definitions get 400 with the field and position: invalid YAML, unknown tool, missing name")
    func badDefinitions() async throws {
        let live = try await PlatformServer.start()
        defer { Task { await live.stop() } }
        let invalid = try await live.send("/v1/agents", body: "name: x\ntools: [python\n", contentType: "application/yaml")
        #expect(invalid.status == 400)
        #expect(invalid.json["error"]?["code"] == "invalid_definition")
        #expect(invalid.json["error"]?["message"]?.stringValue?.contains("request body:") == true)

        let unknownTool = try await live.send("/v1/agents", json: ["name": "x", "tools": ["pyhton": [:]]])
        #expect(unknownTool.status == 400)
        #expect(unknownTool.json["error"]?["message"]?.stringValue?.contains("pyhton") == true)

        let missingName = try await live.send("/v1/agents", json: ["instructions": "no name"])
        #expect(missingName.status == 400)
        #expect(missingName.json["error"]?["message"]?.stringValue?.contains("name") == true)

        let badPatch = try await live.send(
            "/v1/agents/\(try await live.createAgent(TestScripts.agent()))", method: .PATCH, json: ["tools": ["nope": [:]]])
        #expect(badPatch.status == 400)
        let missing = try await live.send("/v1/agents/agt_doesnotexist", method: .GET)
        #expect(missing.status == 404)
    }

    @Test("no key is 401, an unknown key is 401, another agent's key is 403, an agent key cannot manage agents")
    func authentication() async throws {
        let live = try await PlatformServer.start()
        defer { Task { await live.stop() } }
        let first = try await live.createAgent(TestScripts.agent(name: "First"))
        let second = try await live.createAgent(TestScripts.agent(name: "Second"))
        let keyReply = try await live.send("/v1/agents/\(first)/keys", json: ["name": "app"])
        #expect(keyReply.status == 201)
        let key = try #require(keyReply.json["key"]?.stringValue)
        #expect(key.hasPrefix("emk-"))
        #expect(keyReply.json["prefix"]?.stringValue == String(key.prefix(12)))
        let listed = try await live.send("/v1/agents/\(first)/keys", method: .GET)
        #expect(listed.json["data"]?[0]?["key"] == nil, "a key is shown only once")

        let none = try await live.send("/v1/agents/\(first)/runs", json: ["input": "hi"], key: "")
        #expect(none.status == 401)
        #expect(none.json["error"]?["code"] == "missing_api_key")
        let wrong = try await live.send("/v1/agents/\(first)/runs", json: ["input": "hi"], key: "emk-wrong")
        #expect(wrong.status == 401)
        let other = try await live.send("/v1/agents/\(second)/runs", json: ["input": "hi"], key: key)
        #expect(other.status == 403)
        let manage = try await live.send("/v1/agents", method: .GET, key: key)
        #expect(manage.status == 403)
        let own = try await live.send("/v1/agents/\(first)/runs", json: ["input": "hi"], key: key)
        #expect(own.status == 200, "\(own.body)")
        #expect(own.json["answer"] == "You said: hi")
        let draft = try await live.send("/v1/agents/\(first)/runs", json: ["input": "hi", "version": "draft"], key: key)
        #expect(draft.status == 403)
        let aliasOther = try await live.send(
            "/v1/chat/completions", json: ["model": .string("agent:\(second)"), "messages": [["role": "user", "content": "hi"]]],
            key: key)
        #expect(aliasOther.status == 403)
        // Revoked, the key stops working at once.
        let keyID = try #require(keyReply.json["id"]?.stringValue)
        #expect(try await live.send("/v1/agents/\(first)/keys/\(keyID)", method: .DELETE).status == 200)
        #expect(try await live.send("/v1/agents/\(first)/runs", json: ["input": "hi"], key: key).status == 401)
        #expect(try await live.send("/v1/agents/\(first)/keys/\(keyID)", method: .DELETE).status == 404)
    }

    @Test("deleting an agent with conversations is refused (409) unless forced, which deletes them too")
    func deleteWithConversations() async throws {
        let live = try await PlatformServer.start()
        defer { Task { await live.stop() } }
        let id = try await live.createAgent(TestScripts.agent())
        let run = try await live.send("/v1/agents/\(id)/runs", json: ["input": "hello"])
        let conversation = try #require(run.json["conversation_id"]?.stringValue)
        let refused = try await live.send("/v1/agents/\(id)", method: .DELETE)
        #expect(refused.status == 409)
        #expect(refused.json["error"]?["code"] == "agent_has_conversations")
        #expect(try await live.send("/v1/agents/\(id)", method: .GET).status == 200)
        let forced = try await live.send("/v1/agents/\(id)?force=true", method: .DELETE)
        #expect(forced.status == 200)
        #expect(forced.json["deleted"] == true)
        #expect(try await live.send("/v1/agents/\(id)", method: .GET).status == 404)
        #expect(try await live.send("/v1/conversations/\(conversation)", method: .GET).status == 404)
        let empty = try await live.createAgent(TestScripts.agent(name: "Unused"))
        #expect(try await live.send("/v1/agents/\(empty)", method: .DELETE).status == 200)
    }

    @Test("every platform route is documented in /openapi.json")
    func openAPI() async throws {
        let live = try await PlatformServer.start()
        defer { Task { await live.stop() } }
        let routed = Set(live.server.routeSignatures)
        let documented = Set((OpenAPIDocument.operations + live.platform.operations).map { "\($0.method) \($0.path)" })
        #expect(routed == documented, "undocumented: \(routed.subtracting(documented)); stale: \(documented.subtracting(routed))")
        let document = try await live.send("/openapi.json", method: .GET, key: "")
        #expect(document.json["paths"]?["/v1/agents/{id}/runs"]?["post"] != nil)
    }

    @Test("the web UI's page and files are served without a key; unknown files are 404")
    func webUI() async throws {
        let live = try await PlatformServer.start()
        defer { Task { await live.stop() } }
        let page = try await live.send("/", method: .GET, key: "")
        #expect(page.status == 200)
        #expect(page.headers.first(name: "content-type")?.hasPrefix("text/html") == true)
        #expect(page.body.contains("<html"))
        #expect(try await live.send("/ui/nothing.js", method: .GET, key: "").status == 404)
        #expect(try await live.send("/ui/..%2F..%2Fetc%2Fpasswd", method: .GET, key: "").status == 404)
    }
}
