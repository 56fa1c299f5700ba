import EmergentAgents
import EmergentCore
import Foundation
import Testing

@Suite("Agent definition files: checking, errors with lines, export")
struct AgentDefinitionTests {
    typealias Problem = AgentDefinitionError.Problem

    /// The problems `parse` reports for `yaml`; fails the test when it parses.
    static func problems(_ yaml: String, source: String = "agent.yaml") -> (problems: [Problem], message: String) {
        do {
            let definition = try AgentDefinition.parse(yaml, source: source)
            Issue.record("expected problems, parsed \(definition)")
            return ([], "")
        } catch let error as AgentDefinitionError {
            return (error.problems, error.message)
        } catch {
            Issue.record("expected an AgentDefinitionError, got \(error)")
            return ([], "")
        }
    }

    /// `field` at `line`:`column`, as the one problem of `yaml`.
    static func onlyProblem(_ yaml: String) throws -> Problem {
        let problems = problems(yaml).problems
        #expect(problems.count == 1, "\(problems.map(\.message))")
        return try #require(problems.first)
    }

    // MARK: - Syntax and structure

    @Test("invalid YAML is reported at libyaml's line and column, with a hint")
    func syntaxError() throws {
        let (problems, message) = Self.problems("name: x\ninstructions: Be careful: cite your sources\n")
        let problem = try #require(problems.first)
        #expect(problems.count == 1)
        #expect((problem.line, problem.column) == (2, 25))
        #expect(problem.field == "")
        #expect(problem.expected == "valid YAML")
        #expect(message.hasPrefix("agent.yaml:2:25: not valid YAML: mapping values are not allowed"))
        #expect(message.contains("quote text that contains ': '"))
    }

    @Test("a tab used for indentation says so")
    func tabIndentation() throws {
        let problem = try Self.onlyProblem("name: x\nlimits:\n\tmax_tokens: 5\n")
        #expect(problem.line == 3)
        #expect(problem.message.contains("indented with spaces, not tabs"))
    }

    @Test("a key given twice is reported where it first appears")
    func duplicateKey() throws {
        let problem = try Self.onlyProblem("name: a\nmodel: default\nname: b\n")
        #expect((problem.line, problem.column) == (1, 1))
        #expect(problem.message.contains("'name' appears more than once"))
    }

    @Test("an empty file and a file that is not a mapping are refused")
    func notAMapping() throws {
        let empty = try Self.onlyProblem("# nothing here\n")
        #expect(empty.found == "an empty document")
        let list = try Self.onlyProblem("- name: x\n")
        #expect((list.line, list.column, list.found) == (1, 1, "a list"))
    }

    @Test("a missing name is reported at the document's start")
    func missingName() throws {
        let problem = try Self.onlyProblem("description: no name\ntools: [python]\n")
        #expect(problem.field == "name")
        #expect((problem.line, problem.column) == (1, 1))
        #expect(problem.found == "nothing")
        #expect(problem.message == "name: expected a non-empty string (the agent's name is required), found nothing")
    }

    @Test(
        "an empty or null name is refused",
        arguments: [("name: ''\n", #"found """#), ("name:\n", "found nothing"), ("name: ~\n", "found ~")])
    func emptyName(yaml: String, found: String) throws {
        let problem = try Self.onlyProblem(yaml)
        #expect(problem.field == "name")
        #expect(problem.message.hasSuffix(found), "\(problem.message)")
    }

    @Test("values of the wrong type are reported with their exact line and column")
    func wrongTypes() throws {
        let yaml = """
            name: typed
            description: [not, a, string]
            knowledge: ./faq.md
            suggested_prompts:
              - Hello
              - {text: hi}
            limits: 5
            tools: python
            """
        let problems = Self.problems(yaml).problems
        let found = problems.map { "\($0.field)@\($0.line ?? 0):\($0.column ?? 0) \($0.found)" }
        #expect(
            found == [
                "description@2:14 a list",
                #"knowledge@3:12 "./faq.md""#,
                "suggested_prompts[1]@6:5 a mapping",
                "limits@7:9 5",
                #"tools@8:8 "python""#,
            ])
        #expect(problems.map(\.expected).prefix(3) == ["a string", "a list of strings", "a string"])
    }

    @Test("an unknown top-level key suggests the closest known one")
    func unknownTopLevelKey() throws {
        let problem = try Self.onlyProblem("name: x\ninstruction: Be brief.\n")
        #expect(problem.field == "instruction")
        #expect((problem.line, problem.column) == (2, 1))
        #expect(problem.suggestion == "instructions")
        #expect(problem.message.hasSuffix("found an unknown key; did you mean 'instructions'?"))
        #expect(problem.expected.contains("suggested_prompts"))
        let unrelated = try Self.onlyProblem("name: x\ncolour: blue\n")
        #expect(unrelated.suggestion == nil)
    }

    // MARK: - Tools

    @Test("an unknown tool kind lists the valid ones and suggests the closest, in list and mapping form")
    func unknownTool() throws {
        let listed = try Self.onlyProblem("name: x\ntools: [pyhton, browser]\n")
        #expect(listed.field == "tools[0]")
        #expect((listed.line, listed.column) == (2, 9))
        #expect(listed.suggestion == "python")
        #expect(listed.found == "unknown tool 'pyhton'")
        #expect(listed.expected == "one of python, browser, knowledge, functions, openapi, mcp, image")

        let mapped = try Self.onlyProblem("name: x\ntools:\n  browse:\n    timeout_seconds: 5\n")
        #expect(mapped.field == "tools.browse")
        #expect((mapped.line, mapped.column) == (3, 3))
        #expect(mapped.suggestion == "browser")

        let far = try Self.onlyProblem("name: x\ntools: [python, teleport]\n")
        #expect(far.suggestion == nil)
        #expect(far.message.contains("unknown tool 'teleport'"))
    }

    @Test("bad settings inside tools.python are reported at their own lines")
    func badPythonSettings() throws {
        let yaml = """
            name: coder
            tools:
              python:
                timeout_seconds: soon
                memory_mb: 512
                warm_pools: 2
            """
        let problems = Self.problems(yaml).problems
        #expect(problems.count == 2, "\(problems.map(\.message))")
        let timeout = try #require(problems.first)
        #expect(timeout.field == "tools.python.timeout_seconds")
        #expect((timeout.line, timeout.column) == (4, 22))
        #expect(timeout.message == #"tools.python.timeout_seconds: expected a number, found "soon""#)
        let unknown = try #require(problems.last)
        #expect(unknown.field == "tools.python.warm_pools")
        #expect((unknown.line, unknown.column) == (6, 5))
        #expect(unknown.suggestion == "warm_pool")
    }

    @Test("settings of the other kinds: a missing required key, a bad choice, a kind without defaults")
    func otherToolSettings() throws {
        let yaml = """
            name: tools
            tools:
              browser:
                search: { provider: searx, folder: ./site }
              functions:
                - name: ping
                  method: GET
              mcp:
            """
        let problems = Self.problems(yaml).problems
        let summary = problems.map { "\($0.field)@\($0.line ?? 0):\($0.column ?? 0)" }
        #expect(
            summary == ["tools.browser.search.provider@4:25", "tools.functions[0].url@6:7", "tools.mcp@8:7"],
            "\(problems.map(\.message))")
        #expect(problems[0].suggestion == "searxng")
        #expect(problems[1].found == "nothing")
        #expect(problems[2].expected == "a list of MCP servers, each with at least name and command")
        #expect(problems[2].found == "no settings")

        let bare = try Self.onlyProblem("name: x\ntools: [python, image]\n")
        #expect((bare.field, bare.line, bare.column) == ("tools.image", 2, 17))
    }

    // MARK: - Limits and sampling

    @Test(
        "limits and sampling outside their ranges name the field, the range and the value",
        arguments: [
            (
                "limits: { max_tool_rounds: ten }", "limits.max_tool_rounds",
                #"expected a whole number ≥ 0, found "ten""#
            ),
            ("limits: { max_tool_rounds: -1 }", "limits.max_tool_rounds", "expected a whole number ≥ 0, found -1"),
            ("limits: { max_tool_rounds: 2.5 }", "limits.max_tool_rounds", "expected a whole number ≥ 0, found 2.5"),
            (#"limits: { max_tool_rounds: "10" }"#, "limits.max_tool_rounds", #"found "10""#),
            ("limits: { max_wall_seconds: 0 }", "limits.max_wall_seconds", "expected a number of seconds > 0, found 0"),
            ("limits: { max_wall_seconds: .inf }", "limits.max_wall_seconds", "found .inf"),
            ("limits: { max_tokens: 0 }", "limits.max_tokens", "expected a whole number > 0, found 0"),
            ("limits: { tool_timeout_seconds: -5 }", "limits.tool_timeout_seconds", "found -5"),
            ("limits: { max_parallel_calls: 0 }", "limits.max_parallel_calls", "expected a whole number ≥ 1, found 0"),
            ("sampling: { temperature: 3 }", "sampling.temperature", "expected a number from 0 to 2, found 3"),
            ("sampling: { top_p: 0 }", "sampling.top_p", "expected a number greater than 0 and at most 1, found 0"),
            ("sampling: { top_k: -1 }", "sampling.top_k", "found -1"),
            ("sampling: { min_p: 1.5 }", "sampling.min_p", "expected a number from 0 to 1, found 1.5"),
            ("sampling: { seed: -1 }", "sampling.seed", "expected a whole number from 0 to 4294967295, found -1"),
            ("sampling: { seed: 4294967296 }", "sampling.seed", "found 4294967296"),
            ("sampling: { max_tokens: 0 }", "sampling.max_tokens", "expected a whole number > 0, found 0"),
            ("sampling: { temprature: 0.5 }", "sampling.temprature", "did you mean 'temperature'?"),
        ])
    func outOfRange(line: String, field: String, ending: String) throws {
        let problem = try Self.onlyProblem("name: x\n" + line + "\n")
        #expect(problem.field == field)
        #expect(problem.line == 2)
        #expect(problem.message.hasSuffix(ending), "\(problem.message)")
    }

    @Test("limits and sampling at the edges of their ranges are accepted")
    func edgesAccepted() throws {
        let definition = try AgentDefinition.parse(
            """
            name: edges
            limits: { max_tool_rounds: 0, max_wall_seconds: 0.5, max_tokens: 1, tool_timeout_seconds: 1, max_parallel_calls: 1 }
            sampling: { temperature: 2, top_p: 1, top_k: 0, min_p: 0, seed: 4294967295, max_tokens: 1 }
            """)
        #expect(definition.limits?.maxToolRounds == 0)
        #expect(definition.sampling?.seed == UInt32.max)
    }

    // MARK: - Many problems, JSON

    @Test("every problem in a file is reported together, in file order, one per line")
    func multipleProblems() throws {
        let yaml = """
            description: missing its name
            instruction: Be brief.
            tools: [python, browsr]
            limits:
              max_tool_rounds: ten
              max_tokens: 0
            sampling: { temperature: 9 }
            """
        let (problems, message) = Self.problems(yaml)
        #expect(
            problems.map(\.field) == [
                "name", "instruction", "tools[1]", "limits.max_tool_rounds", "limits.max_tokens",
                "sampling.temperature",
            ])
        let lines = message.split(separator: "\n")
        #expect(lines.count == 6)
        #expect(
            lines.first
                == "agent.yaml:1:1: name: expected a non-empty string (the agent's name is required), found nothing")
        #expect(lines[3] == #"agent.yaml:5:20: limits.max_tool_rounds: expected a whole number ≥ 0, found "ten""#)
    }

    @Test("JSON input is checked the same way, with lines and columns")
    func jsonInput() throws {
        let json = """
            {
              "name": "json-agent",
              "limits": {"max_tool_rounds": "ten"},
              "tools": ["python", "browsr"]
            }
            """
        let (problems, message) = Self.problems(json, source: "request body")
        #expect(problems.map(\.field) == ["limits.max_tool_rounds", "tools[1]"])
        #expect((problems[0].line, problems[0].column) == (3, 33))
        #expect((problems[1].line, problems[1].column) == (4, 23))
        #expect(problems[1].suggestion == "browser")
        // Pretty-printers often indent JSON with tabs, which YAML allows inside brackets.
        let tabbed = try AgentDefinition.parse("{\n\t\"name\": \"tabs\",\n\t\"tools\": [\"python\"]\n}")
        #expect(tabbed.name == "tabs" && tabbed.tools.keys.sorted() == ["python"])
        #expect(
            message.hasPrefix(#"request body:3:33: limits.max_tool_rounds: expected a whole number ≥ 0, found "ten""#))
    }

    @Test("problems encode as JSON for the HTTP API")
    func problemsAsJSON() throws {
        let problem = try Self.onlyProblem("name: x\ninstruction: hi\n")
        let object = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(problem)) as? [String: Any])
        #expect(object["field"] as? String == "instruction")
        #expect(object["line"] as? Int == 2)
        #expect(object["column"] as? Int == 1)
        #expect(object["suggestion"] as? String == "instructions")
        #expect((object["message"] as? String)?.contains("did you mean") == true)
    }

    // MARK: - validate()

    @Test("validate() reports every problem of a definition built in code, without lines")
    func validateProgrammatic() throws {
        var definition = AgentDefinition(
            name: " ",
            tools: ["pyton": [:], "python": ["timeout_seconds": "soon", "memroy_mb": 5], "browser": [:]],
            limits: AgentLimits(maxToolRounds: -1, maxParallelCalls: 0), sampling: .init(topP: 0))
        let error = try #require(throws: AgentDefinitionError.self) { try definition.validate() }
        #expect(
            error.problems.map(\.field) == [
                "name", "tools.python.memroy_mb", "tools.python.timeout_seconds", "tools.pyton",
                "limits.max_tool_rounds", "limits.max_parallel_calls", "sampling.top_p",
            ], "\(error.message)")
        #expect(error.problems.allSatisfy { $0.line == nil && $0.column == nil })
        #expect(error.problems.first { $0.field == "tools.pyton" }?.suggestion == "python")
        #expect(error.problems.first { $0.field == "tools.python.memroy_mb" }?.suggestion == "memory_mb")
        #expect(error.message.split(separator: "\n").count == 7)

        definition = AgentDefinition(name: "fine", tools: ["python": .null, "knowledge": ["results": 3]])
        try definition.validate()
        try AgentDefinition.allTools.validate()
    }

    // MARK: - Export

    /// A definition that uses every field, with text that YAML could misread if it were written carelessly.
    static let everyField = AgentDefinition(
        name: "Ünïcode analyst ✓",
        description: "yes",
        instructions: """
              Indented first line: keep its spaces.
            # not a comment
            Key: value, "double" and 'single' quotes, a colon: here
            \tA tabbed line, a trailing backslash \\
            日本語, emoji 🎉 and 【1†source】

            Two trailing newlines follow.


            """,
        model: "models/gemma-3-270m-q4_k_m.gguf",
        tools: [
            "python": ["timeout_seconds": 30, "memory_mb": 1024, "venv": "~/venv"],
            "browser": [
                "search": ["provider": "local", "folder": "./site"], "allow_hosts": ["127.0.0.1:8000"],
                "timeout_seconds": 20.5,
            ],
            "knowledge": ["folders": ["./docs"], "embeddings": true, "results": 8],
            "functions": [
                [
                    "name": "get_weather", "description": "Weather: now", "method": "GET",
                    "url": "https://api.example.com/weather/{city}",
                    "headers": ["Authorization": "Bearer ${WEATHER_KEY}"],
                    "parameters": [
                        "type": "object",
                        "properties": [
                            "city": ["type": "string", "enum": ["yes", "no", "10", "null", "1e3", "", "nan", "~"]],
                            "ratio": ["type": "number", "default": 2.0, "minimum": -0.5, "examples": [1, nil, false]],
                        ],
                        "required": ["city"],
                    ],
                    "arguments_in": "query", "timeout_seconds": 5,
                ]
            ],
            "openapi": [["location": "./petstore.yaml", "operations": ["listPets"], "headers": [:]]],
            "mcp": [
                [
                    "name": "git", "command": "uvx", "arguments": ["mcp-server-git", "--repository", "/srv/repo"],
                    "environment": ["TOKEN": "${GITHUB_TOKEN}"], "prefix_tools": true, "call_timeout_seconds": 60,
                ]
            ],
            "image": ["base_url": "https://api.openai.com/v1", "api_key": "${OPENAI_API_KEY}", "model": "dall-e-3"],
        ],
        knowledge: ["./handbook.pdf", "./faq.md", "- dash.md", " leading space.md"],
        limits: AgentLimits(
            maxToolRounds: 4, maxWallSeconds: 120.5, maxTokens: 4096, toolTimeoutSeconds: 30, maxParallelCalls: 2),
        sampling: .init(temperature: 0.7, topP: 0.9, topK: 40, minP: 0.05, seed: 4_294_967_295, maxTokens: 512),
        welcome: "Hi: ask me — anything!",
        suggestedPrompts: ["What's 2+2?", "#hashtag", "null", "true", "@mention", "key: value", "multi\nline prompt"])

    @Test("export then import gives the same definition", arguments: [AgentDefinition.allTools, Self.everyField])
    func exportRoundTrip(definition: AgentDefinition) throws {
        let yaml = definition.yamlText()
        let reparsed = try AgentDefinition.parse(yaml, source: "exported.yaml")
        #expect(reparsed == definition, "\(yaml)")
        #expect(yaml.hasPrefix("name: "))
        let json = try AgentDefinition.parse(definition.jsonValue().compactJSON, source: "exported.json")
        #expect(json == definition)
    }

    @Test("the exported file lists fields in order, writes defaults as {} and multi-line text as a | block")
    func exportLayout() throws {
        let allTools = AgentDefinition.allTools.yamlText()
        #expect(allTools.contains("tools:\n  python: {}\n  browser: {}\n  knowledge: {}\n"), "\(allTools)")
        #expect(!allTools.contains("limits"))

        let yaml = Self.everyField.yamlText()
        let keys = yaml.split(separator: "\n").filter { !$0.hasPrefix(" ") && !$0.hasPrefix("-") && $0.contains(":") }
            .map { String($0.prefix { $0 != ":" }) }
        #expect(
            keys == [
                "name", "description", "instructions", "model", "tools", "knowledge", "limits", "sampling", "welcome",
                "suggested_prompts",
            ], "\(yaml)")
        #expect(yaml.contains(#"description: "yes""#))
        #expect(yaml.contains("instructions: |"))
        #expect(yaml.contains("  max_wall_seconds: 120.5\n"))
        #expect(yaml.contains("  tool_timeout_seconds: 30\n"))

        let json = Self.everyField.jsonValue()
        guard case .object(let object) = json else {
            Issue.record("jsonValue() is not an object")
            return
        }
        #expect(object.keys.first == "name")
        #expect(object.keys.last == "suggested_prompts")
        #expect(
            object["tools"].flatMap { if case .object(let tools) = $0 { tools.keys } else { nil } } == [
                "python", "browser", "knowledge", "functions", "openapi", "mcp", "image",
            ])
    }

    @Test("an imported file exports with its settings keys in the order it wrote them")
    func exportKeepsFileOrder() throws {
        let yaml = """
            name: ordered
            tools:
              python:
                warm_pool: 1
                timeout_seconds: 10
                memory_mb: 256
              functions:
                - url: https://x.example/ping
                  name: ping
                  parameters:
                    type: object
                    properties: { zeta: { type: string }, alpha: { type: integer } }

            """
        let definition = try AgentDefinition.parse(yaml)
        #expect(
            definition.yamlText()
                == yaml.replacingOccurrences(
                    of: "properties: { zeta: { type: string }, alpha: { type: integer } }",
                    with:
                        "properties:\n          zeta:\n            type: string\n          alpha:\n            type: integer"
                )
                .replacingOccurrences(of: "\n\n", with: "\n"))
    }

    // MARK: - The reference

    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("the example in docs/agent-yaml.md is a valid agent file that uses every field and tool kind")
    func referenceExample() throws {
        let document = try String(
            contentsOf: Self.repositoryRoot.appendingPathComponent("docs/agent-yaml.md"), encoding: .utf8)
        let start = try #require(document.range(of: "```yaml\n"))
        let end = try #require(document.range(of: "\n```", range: start.upperBound..<document.endIndex))
        let example = String(document[start.upperBound..<end.lowerBound])
        let definition = try AgentDefinition.parse(example, source: "docs/agent-yaml.md")
        #expect(Set(definition.tools.keys) == Set(AgentToolKind.allCases.map(\.rawValue)))
        #expect(definition.description != nil && definition.instructions != nil && definition.model != nil)
        #expect(definition.knowledge != nil && definition.limits != nil && definition.sampling != nil)
        #expect(definition.welcome != nil && definition.suggestedPrompts != nil)
        try definition.validate()
        #expect(try AgentDefinition.parse(definition.yamlText()) == definition)
    }
}
