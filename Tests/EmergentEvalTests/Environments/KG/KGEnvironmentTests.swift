import EmergentCore
import Foundation
import Testing
@testable import EmergentEval

/// Helpers shared by the kg tests.
enum KGTestSupport {
    static let environment = KGEnvironment()

    static func tasks() throws -> [EvalTask] { try environment.devTasks() }

    static func task(_ id: String) throws -> EvalTask {
        guard let task = try tasks().first(where: { $0.id == id }) else { throw EnvironmentError("no task \(id)") }
        return task
    }

    /// A new episode's executor over the shipped graph.
    static func executor(for task: KGTask) throws -> KGExecutor {
        KGExecutor(store: try KGGraphStore(try KGGraphData.load(from: try KGResources.graphFile)),
                   entities: task.entities)
    }

    /// How many get_neighbors hops the reference actions chain before reaching the final variable.
    static func hops(_ task: KGTask) -> Int {
        var depths: [Int] = []
        func depth(_ argument: String) -> Int {
            KGActionParser.variableIndex(argument).flatMap { $0 < depths.count ? depths[$0] : nil } ?? 0
        }
        for call in task.actions.compactMap(KGActionParser.parseCall) {
            switch KGFunction(rawValue: call.name) {
            case .getNeighbors: depths.append(depth(call.arguments[0]) + 1)
            case .intersection: depths.append(max(depth(call.arguments[0]), depth(call.arguments[1])))
            case .argmax, .argmin, .count: depths.append(depth(call.arguments[0]))
            default: break
            }
        }
        return task.finalVariable.map(depth) ?? 0
    }

    /// AgentBench's KG dev split, found above the source tree (`…/shared/data/agentbench-v0.2/knowledgegraph`).
    static let agentBenchDev: URL? = AgentBenchData.file("knowledgegraph/dev.json")

    static func temporaryFile(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kg-\(UUID().uuidString).jsonl")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}

@Suite("kg: graph and shipped tasks")
struct KGDataTests {
    @Test func graphLoadsWithAtLeast200Entities() throws {
        let data = try KGGraphData.load(from: try KGResources.graphFile)
        #expect(data.entities.count >= 200)
        #expect(data.edges.count > 1000)
        #expect(Set(data.values.map(\.type)) == Set(KGGraphData.ValueType.allCases))
        let store = try KGGraphStore(data)
        #expect(try store.entityCount() == data.entities.count)
    }

    @Test func devTasksAreVariedAndUnique() throws {
        let tasks = try KGTestSupport.tasks()
        #expect(tasks.count >= 20)
        #expect(Set(tasks.map(\.id)).count == tasks.count)
        let kgTasks = try tasks.map(KGTask.from)
        let uses = { (name: String) in kgTasks.filter { $0.actions.contains { $0.hasPrefix(name + "(") } }.count }
        #expect(uses("intersection") >= 3)
        #expect(uses("argmax") + uses("argmin") >= 3)
        #expect(uses("count") >= 3)
    }

    @Test func everyReferenceChainYieldsTheGoldAnswer() throws {
        for task in try KGTestSupport.tasks() {
            let kgTask = try KGTask.from(task)
            var executor = try KGTestSupport.executor(for: kgTask)
            for action in kgTask.actions {
                let call = try #require(KGActionParser.parseCall(action))
                let observation = try executor.run(call)
                #expect(observation.hasPrefix("Observation:"), "\(task.id): \(observation)")
            }
            let final = try #require(kgTask.finalVariable.flatMap(KGActionParser.variableIndex))
            #expect(Set(executor.variables[final].members) == Set(kgTask.answer), "\(task.id)")
            #expect(kgTask.actions.count < KGTestSupport.environment.roundLimit, "\(task.id) fits the round limit")
        }
    }

    @Test func atLeastThreeTasksNeedThreeHops() throws {
        let hops = try KGTestSupport.tasks().map { KGTestSupport.hops(try KGTask.from($0)) }
        #expect(hops.filter { $0 >= 3 }.count >= 3)
        #expect(hops.allSatisfy { $0 >= 1 })
    }
}

@Suite("kg: metric")
struct KGMetricTests {
    @Test func partialOverlapF1() {
        #expect(abs(KGMetric.f1(predicted: ["a", "b", "c"], gold: ["a", "b"]) - 0.8) < 1e-9)
        #expect(KGMetric.f1(predicted: ["a", "b"], gold: ["b", "a"]) == 1)
        #expect(KGMetric.f1(predicted: [], gold: ["a"]) == 0)
        #expect(KGMetric.f1(predicted: ["x"], gold: ["a"]) == 0)
    }

    @Test func scoreIsMeanF1WithExactMatchAndExecutability() {
        let results = [
            EpisodeResult(taskID: "a", environment: "kg", finish: .completed, reward: 1, rounds: 3,
                          details: ["exact_match": true, "executable": true]),
            EpisodeResult(taskID: "b", environment: "kg", finish: .completed, reward: 0.5, rounds: 3,
                          details: ["exact_match": false, "executable": true]),
            EpisodeResult(taskID: "c", environment: "kg", finish: .taskLimit, reward: 0, rounds: 15,
                          details: ["exact_match": false, "executable": false]),
            EpisodeResult(taskID: "d", environment: "kg", finish: .completed, reward: 0, rounds: 2,
                          details: ["exact_match": false, "executable": true]),
        ]
        let score = KGTestSupport.environment.score(results)
        #expect(abs(score.value - 0.375) < 1e-9)
        #expect(score.breakdown["EM"] == 0.25)
        #expect(score.breakdown["executability"] == 0.75)
        #expect(score.episodes == 4)
    }
}

@Suite("kg: oracle and wrong agent")
struct KGOracleTests {
    @Test(arguments: ActionMode.allCases)
    func oracleScoresFullF1(mode: ActionMode) async throws {
        let environment = KGTestSupport.environment
        var results: [EpisodeResult] = []
        for task in try KGTestSupport.tasks() {
            let outcome = try await EpisodeReplay.solve(environment, task, mode: mode)
            #expect(outcome.result.finish == .completed, "\(task.id)")
            #expect(outcome.result.reward == 1, "\(task.id): \(outcome.observations)")
            results.append(outcome.result)
        }
        let score = environment.score(results)
        #expect(score.value == 1)
        #expect(score.breakdown["EM"] == 1)
    }

    /// Follows the reference path, then answers with a plausible wrong variable: the first set it found
    /// (count tasks), or the count of that set (entity tasks).
    @Test(arguments: ActionMode.allCases)
    func wrongAnswerScoresZero(mode: ActionMode) async throws {
        let environment = KGTestSupport.environment
        var results: [EpisodeResult] = []
        for task in try KGTestSupport.tasks() {
            let kgTask = try KGTask.from(task)
            let isCount = kgTask.answer.allSatisfy { Int($0) != nil }
            let created = kgTask.actions.compactMap(KGActionParser.parseCall)
                .filter { KGFunction(rawValue: $0.name)?.makesVariable == true }.count
            let wrong = isCount ? "#0" : "#\(created)"
            var actions: [AgentAction]
            if mode == .text {
                actions = try environment.solution(for: task).dropLast().map(AgentAction.text)
                if !isCount { actions.append(.text("Thought: count them.\nAction: count(#0)")) }
                actions.append(.text("Thought: done.\nFinal Answer: \(wrong)"))
            } else {
                actions = try environment.solutionCalls(for: task).dropLast().map(AgentAction.call)
                if !isCount { actions.append(.call(ToolCall(id: "w1", name: "count", arguments: ["variable": "#0"]))) }
                actions.append(.call(ToolCall(id: "w2", name: "final_answer", arguments: ["variable": .string(wrong)])))
            }
            let outcome = try await EpisodeReplay.play(environment, task, mode: mode, actions: actions)
            #expect(outcome.result.finish == .completed, "\(task.id)")
            #expect(outcome.result.reward == 0, "\(task.id): \(outcome.result.details)")
            #expect(outcome.result.details["exact_match"] == .bool(false))
            results.append(outcome.result)
        }
        #expect(environment.score(results).value == 0)
    }
}

@Suite("kg: functions, variables and errors")
struct KGEpisodeTests {
    func play(_ id: String, _ replies: [String], environment: KGEnvironment = KGTestSupport.environment)
        async throws -> EpisodeReplay.Outcome {
        try await EpisodeReplay.play(environment, try KGTestSupport.task(id), mode: .text,
                                     actions: replies.map { .text("Thought: step.\nAction: \($0)") })
    }

    @Test func openingFollowsAgentBenchsShape() async throws {
        let task = try KGTestSupport.task("kg-dev-001")
        let text = try await KGTestSupport.environment.makeEpisode(for: task, mode: .text).start()
        #expect(text.tools.isEmpty)
        #expect(text.messages.first?.content.contains("get_neighbors(variable: var, relation: str)") == true)
        #expect(text.messages.last?.content == "A new question: how many films has celia yamada directed?\nEntities: [Celia Yamada]")
        #expect(text.messages.contains { $0.role == .assistant && $0.content.contains("Final Answer: #3") })
        let functions = try await KGTestSupport.environment.makeEpisode(for: task, mode: .functions).start()
        #expect(functions.tools.map(\.name) == ["get_relations", "get_neighbors", "intersection", "get_attributes",
                                                 "argmax", "argmin", "count", "final_answer"])
        #expect(functions.tools[1].parameters["required"] == ["variable", "relation"])
    }

    @Test func variablesAreNumberedAndReused() async throws {
        // kg-dev-001: Celia Yamada directed 14 films.
        let outcome = try await EpisodeReplay.play(
            KGTestSupport.environment, try KGTestSupport.task("kg-dev-001"), mode: .text, actions: [
                .text("Thought: relations.\nAction: get_relations(Celia Yamada)"),
                .text("Thought: films.\nAction: get_neighbors(Celia Yamada, film.director.film)"),
                .text("Thought: again, by id.\nAction: get_neighbors(m.0kg068, film.director.film)"),
                .text("Thought: relations of a variable.\nAction: get_relations(variable #1)"),
                .text("Thought: genres.\nAction: get_neighbors(#1, film.film.genre)"),
                .text("Thought: how many.\nAction: count(#0)"),
                .text("Thought: done.\nFinal Answer: #3"),
            ])
        let observations = outcome.observations
        #expect(observations[0].contains("film.director.film"))
        #expect(observations[1] == "Observation: variable #0, which are instances of film.film")
        #expect(observations[2] == "Observation: variable #1, which are instances of film.film")
        #expect(observations[3].contains("film.film.genre"))
        #expect(observations[4] == "Observation: variable #2, which are instances of film.film_genre")
        #expect(observations[5] == "Observation: variable #3, which is a number")
        #expect(outcome.result.finish == .completed)
        #expect(outcome.result.reward == 1)
        #expect(outcome.result.details["given"] == ["14"])
    }

    @Test func intersectionOfDifferentTypesIsRefusedAndTheEpisodeGoesOn() async throws {
        let outcome = try await play("kg-dev-002", [
            "get_neighbors(Gwen Sorensen, film.director.film)",
            "get_neighbors(Gwen Sorensen, people.person.place_of_birth)",
            "intersection(#0, #1)",
            "get_neighbors(Hugo Ashford, film.actor.film)",
        ])
        #expect(outcome.observations[2].contains("intersection(#0, #1) cannot be executed"))
        #expect(outcome.observations[2].contains("not of the same type (#0 holds film.film, #1 holds location.citytown)"))
        #expect(outcome.observations[3] == "Observation: variable #2, which are instances of film.film")
        #expect(outcome.result.finish == .taskLimit)
    }

    @Test func argmaxPicksTheLargestNumericValue() async throws {
        let task = try KGTestSupport.task("kg-dev-006")
        var executor = try KGTestSupport.executor(for: try KGTask.from(task))
        _ = try executor.run(KGParsedCall(name: "get_neighbors", arguments: ["Morvania", "location.location.contains"]))
        let attributes = try executor.run(KGParsedCall(name: "get_attributes", arguments: ["#0"]))
        #expect(attributes.contains("location.statistical_region.population"))
        #expect(!attributes.contains("iso_alpha_3"))
        _ = try executor.run(KGParsedCall(name: "argmax", arguments: ["#0", "location.statistical_region.population"]))
        _ = try executor.run(KGParsedCall(name: "argmin", arguments: ["#0", "location.statistical_region.population"]))
        func population(_ id: String) throws -> Double {
            let text = try executor.store.value(of: id, attribute: "location.statistical_region.population")
            return try #require(text.flatMap(Double.init))
        }
        let populations = try executor.variables[0].members.map(population)
        #expect(executor.variables[1].members.count == 1)
        #expect(try population(executor.variables[1].members[0]) == populations.max())
        #expect(try population(executor.variables[2].members[0]) == populations.min())
        #expect(executor.variables[1].type == "location.citytown")
        let refused = try executor.run(KGParsedCall(name: "argmax", arguments: ["#0", "film.film.runtime"]))
        #expect(refused.contains("is not a numerical attribute of #0"))
    }

    @Test func datesOrderChronologically() {
        #expect(KGGraphData.dateSortKey("1999-12-31") ?? 0 < KGGraphData.dateSortKey("2000-01-01") ?? 0)
        #expect(KGGraphData.dateSortKey("1999") == 19_990_000)
        #expect(KGGraphData.dateSortKey("1999-13-01") == nil)
        #expect(KGGraphData.dateSortKey("soon") == nil)
    }

    @Test func wellFormedButInvalidActionsGetAnErrorObservation() async throws {
        let outcome = try await play("kg-dev-001", [
            "find_films(Celia Yamada)",
            "get_relations(#4)",
            "get_relations(m.09rl290)",
            "get_neighbors(Celia Yamada, film.film.genre)",
            "get_neighbors(Celia Yamada)",
            "count(Celia Yamada)",
            "get_relations(somebody)",
        ])
        let observations = outcome.observations
        #expect(observations[0].contains("there is no function 'find_films'"))
        #expect(observations[1].contains("#4 is not a variable (no variables exist yet)"))
        #expect(observations[2] == "get_relations(m.09rl290) cannot be executed: entity m.09rl290 is not in this "
            + "knowledge graph. You may have made a mistake; fix it and try again.")
        #expect(observations[3].contains("'film.film.genre' is not a relation of Celia Yamada"))
        #expect(observations[4].contains("takes 2 argument(s)"))
        #expect(observations[5].contains("'Celia Yamada' is not a variable; count needs a variable such as #0"))
        #expect(observations[6].contains("neither a variable"))
        #expect(outcome.result.finish == .taskLimit)
        #expect(outcome.observations.count == 7)
        #expect(outcome.result.reward == 0)
    }

    @Test func finalAnswerWithAMissingVariableIsRefused() async throws {
        let outcome = try await EpisodeReplay.play(
            KGTestSupport.environment, try KGTestSupport.task("kg-dev-001"), mode: .text, actions: [
                .text("Final Answer: #0"),
                .text("Thought: films.\nAction: get_neighbors(Celia Yamada, film.director.film)"),
                .text("Thought: done.\nFinal Answer: #0\nObservation: made up"),
            ])
        #expect(outcome.observations[0].hasPrefix("Invalid variable id!"))
        #expect(outcome.result.finish == .completed)
        #expect(outcome.result.reward == 0)
        #expect(outcome.result.details["given_variable"] == "#0")
    }

    @Test func unreadableRepliesEndWithInvalidFormat() async throws {
        let task = try KGTestSupport.task("kg-dev-001")
        let prose = try await EpisodeReplay.play(KGTestSupport.environment, task, mode: .text,
                                                 actions: [.text("I think she directed fourteen films.")])
        #expect(prose.result.finish == .invalidFormat)
        #expect(prose.observations == ["No executable function found! End each reply with one line 'Action: "
            + "function(arguments)', or with 'Final Answer: #id' once you have the answer."])
        #expect(prose.result.reward == 0)
        let unmatched = try await EpisodeReplay.play(KGTestSupport.environment, task, mode: .text,
                                                     actions: [.text("Thought: x\nAction: get_relations(Celia Yamada")])
        #expect(unmatched.result.finish == .invalidFormat)
        #expect(unmatched.observations[0].contains("Cannot read the action line 'Action: get_relations(Celia Yamada'"))
        // AgentBench's own behaviour, on request: an observation, and the episode goes on.
        let lenient = try await EpisodeReplay.play(KGEnvironment(strictFormat: false), task, mode: .text, actions: [
            .text("I think she directed fourteen films."),
            .text("Action: get_neighbors(Celia Yamada, film.director.film)"),
        ])
        #expect(lenient.result.finish == .taskLimit)
        #expect(lenient.observations[1] == "Observation: variable #0, which are instances of film.film")
    }

    @Test func functionCallErrors() async throws {
        let task = try KGTestSupport.task("kg-dev-001")
        let outcome = try await EpisodeReplay.play(KGTestSupport.environment, task, mode: .functions, actions: [
            .call(ToolCall(id: "1", name: "search", arguments: ["query": "films"])),
            .call(ToolCall(id: "2", name: "get_neighbors", arguments: ["variable": "Celia Yamada"])),
            .call(ToolCall(id: "3", name: "get_neighbors",
                           arguments: ["variable": "Celia Yamada", "relation": "film.director.film"])),
            .call(ToolCall(id: "4", name: "final_answer", arguments: ["variable": "#5"])),
            .call(ToolCall(id: "5", name: "count", arguments: ["variable": "#0"])),
            .text("Thought: that is it.\nFinal Answer: #1"),
        ])
        #expect(outcome.observations[0].hasPrefix("Function search does not exist."))
        #expect(outcome.observations[1].hasPrefix("Arguments do not match the function signature"))
        #expect(outcome.observations[2] == "Observation: variable #0, which are instances of film.film")
        #expect(outcome.observations[3].hasPrefix("Invalid variable id!"))
        #expect(outcome.observations[4] == "Observation: variable #1, which is a number")
        #expect(outcome.result.finish == .completed)
        #expect(outcome.result.reward == 1)
        let silent = try await EpisodeReplay.play(KGTestSupport.environment, task, mode: .functions,
                                                  actions: [.text("Let me think about it.")])
        #expect(silent.result.finish == .invalidFormat)
        #expect(silent.observations[0].hasPrefix("No function call found"))
    }

    @Test func parserReadsAgentBenchsReplyShapes() {
        #expect(KGActionParser.parse("Thought: x\nAction: get_neighbors(variable #0, film.film.genre)")
            == .call(KGParsedCall(name: "get_neighbors", arguments: ["#0", "film.film.genre"])))
        #expect(KGActionParser.parse("Thought: x Action: get_relations(Celia Yamada)")
            == .call(KGParsedCall(name: "get_relations", arguments: ["Celia Yamada"])))
        #expect(KGActionParser.parse("**Action:** `get_attributes(#2)`")
            == .call(KGParsedCall(name: "get_attributes", arguments: ["#2"])))
        #expect(KGActionParser.parse("Action: count(#1)\nObservation: variable #2, which is a number\nFinal Answer: #2")
            == .call(KGParsedCall(name: "count", arguments: ["#1"])))
        #expect(KGActionParser.parse("Thought: done.\nAction: count(#1)\nFinal Answer: #2") == .finalAnswer(variable: 2))
        #expect(KGActionParser.parse("Find Answer: #4") == .finalAnswer(variable: 4))
        #expect(KGActionParser.parse("Action: get\\_relations(#0)")
            == .call(KGParsedCall(name: "get_relations", arguments: ["#0"])))
        #expect(KGActionParser.parse("Action: look around") == .badActionLine("Action: look around"))
        #expect(KGActionParser.parse("The answer is 14.") == .nothing)
    }

    @Test func namesInAnyCaseAndStringArgumentsAreAccepted() async throws {
        let task = try KGTestSupport.task("kg-dev-001")
        let outcome = try await EpisodeReplay.play(KGTestSupport.environment, task, mode: .functions, actions: [
            .call(ToolCall(id: "1", name: "get_neighbors",
                           arguments: .string(#"{"variable": "celia yamada", "relation": "film.director.film"}"#))),
            .call(ToolCall(id: "2", name: "count", arguments: ["variable": "#0"])),
            .call(ToolCall(id: "3", name: "final_answer", arguments: ["variable": "#1"])),
        ])
        #expect(outcome.observations[0] == "Observation: variable #0, which are instances of film.film")
        #expect(outcome.result.reward == 1)
    }

    @Test func concurrentEpisodesAreIsolated() async throws {
        let task = try KGTestSupport.task("kg-dev-001")
        let environment = KGTestSupport.environment
        let first = try await environment.makeEpisode(for: task, mode: .text)
        let second = try await environment.makeEpisode(for: task, mode: .text)
        _ = try await first.start()
        _ = try await second.start()
        _ = try await first.step(.text("Action: get_neighbors(Celia Yamada, film.director.film)"))
        let other = try await second.step(.text("Action: get_neighbors(Celia Yamada, people.person.nationality)"))
        #expect(other.observation == "Observation: variable #0, which are instances of location.country")
        let answer = try await second.step(.text("Final Answer: #0"))
        #expect(answer.done)
        #expect(try await first.grade().reward == 0)
        #expect(try await second.grade().reward == 0)
        await first.close()
        await second.close()
        await first.close()
    }
}

@Suite("kg: task files")
struct KGLoaderTests {
    @Test func malformedLinesAreNamed() throws {
        let good = #"{"id": "t1", "question": "q?", "entities": {"A": "m.0kg001"}, "answer": ["m.0kg002"]}"#
        let environment = KGTestSupport.environment
        let cases: [(String, String)] = [
            (good + "\n{not json", ":2: not valid JSON"),
            (good + "\n" + #"{"id": "t2", "question": "q?", "entities": {"A": "m.0kg001"}}"#, ":2: field 'answer'"),
            (#"{"id": "t2", "question": "q?", "entities": ["A"], "answer": ["x"]}"#, ":1: field 'entities'"),
            (#"{"id": "t2", "question": "q?", "entities": {"A": "m.1"}, "answer": ["x"], "final_variable": "3"}"#,
             ":1: field 'final_variable'"),
            (good + "\n" + good, "task id 't1' appears twice"),
        ]
        for (text, expected) in cases {
            let file = try KGTestSupport.temporaryFile(text)
            defer { try? FileManager.default.removeItem(at: file) }
            let error = #expect(throws: EnvironmentError.self) { try environment.loadTasks(from: file) }
            #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
            #expect(error?.message.contains(file.path) == true)
        }
        let file = try KGTestSupport.temporaryFile(good + "\n")
        defer { try? FileManager.default.removeItem(at: file) }
        let tasks = try environment.loadTasks(from: file)
        #expect(tasks.map(\.id) == ["t1"])
        #expect(throws: EnvironmentError.self) { try environment.solution(for: tasks[0]) }
    }

    @Test(.enabled(if: KGTestSupport.agentBenchDev != nil, "AgentBench's dev.json is not on this machine"))
    func agentBenchDevLoadsAndFailsClearlyOnOurGraph() async throws {
        let file = try #require(KGTestSupport.agentBenchDev)
        let environment = KGTestSupport.environment
        let tasks = try environment.loadTasks(from: file)
        #expect(tasks.count == 20)
        #expect(tasks.first?.id == "kg-0")
        let first = try KGTask.from(tasks[0])
        #expect(first.source == "agentbench")
        #expect(first.answer == ["m.05ch8k4"])
        #expect(first.entities.map(\.id) == ["m.09rl290", "m.0j50kb6"])
        #expect(first.finalVariable == "#3")
        #expect(try environment.solution(for: tasks[0]).count == 8)
        let outcome = try await EpisodeReplay.solve(environment, tasks[0], mode: .text)
        #expect(outcome.observations[0].contains("entity m.09rl290 is not in this knowledge graph"))
        #expect(outcome.observations.last?.hasPrefix("Invalid variable id!") == true)
        #expect(outcome.result.finish == .taskLimit)
        #expect(outcome.result.reward == 0)
    }
}
