import EmergentCore
import Foundation
import Testing
@testable import EmergentEval

/// Oracle, wrong agents, protocol (formats, mapping, repeat rule, limits) and loader tests of the household env.
@Suite struct HouseholdEnvironmentTests {
    let env = HouseholdEnvironment()

    // MARK: Oracle

    @Test(arguments: ActionMode.allCases)
    func oracleSolvesEveryDevTask(mode: ActionMode) async throws {
        let tasks = try env.devTasks()
        #expect(tasks.count >= 24)
        for type in HouseholdTaskType.allCases {
            let count = try tasks.filter { try env.scenario(of: $0).goal.type == type }.count
            #expect(count >= 4, "\(type.rawValue) has \(count) dev tasks")
        }
        var results: [EpisodeResult] = []
        for task in tasks {
            let outcome = try await EpisodeReplay.solve(env, task, mode: mode)
            #expect(outcome.result.finish == .completed, "\(task.id) ended \(outcome.result.finish.rawValue)")
            #expect(outcome.result.reward == 1, "\(task.id)")
            #expect(outcome.result.rounds <= env.roundLimit)
            #expect(outcome.result.details["won"] == .bool(true))
            results.append(outcome.result)
        }
        let score = env.score(results)
        #expect(score.value == 1)
        #expect(score.episodes == tasks.count)
        #expect(score.breakdown.count == HouseholdTaskType.allCases.count)
        #expect(score.breakdown.values.allSatisfy { $0 == 1 })
    }

    @Test func textRepliesCarryAThoughtAndCallsUseTheOneTool() throws {
        let task = try #require(try env.devTasks().first)
        let replies = try env.solution(for: task)
        #expect(replies.allSatisfy { $0.hasPrefix("THOUGHT: ") && $0.contains("\nACTION: ") })
        let calls = try env.solutionCalls(for: task)
        #expect(calls.count == replies.count)
        #expect(calls.allSatisfy { $0.name == "take_action" && $0.arguments["action"]?.stringValue != nil })
    }

    // MARK: Wrong agents

    /// Follows the oracle but gets one thing wrong per type: the object goes to a receptacle of another kind,
    /// the heating/cooling/cleaning is skipped, the lamp is never switched on, or only one of two objects is placed.
    private func wrongActions(for task: EvalTask) throws -> [String] {
        let scenario = try env.scenario(of: task)
        let steps = try HouseholdPlanner(scenario: scenario).plan()
        let commands = steps.map(\.command)
        switch scenario.goal.type {
        case .pickAndPlace:
            guard let take = commands.firstIndex(where: { $0.hasPrefix("take ") }) else { return [] }
            var world = scenario.world
            for command in commands[...take] { _ = world.execute(command) }
            let held = try #require(world.held)
            let wrong = try #require(world.receptacles.firstIndex {
                $0.kind != scenario.goal.target && HouseholdCatalog.canContain($0.kind, scenario.goal.object)
            })
            var actions = Array(commands[...take]) + ["go to \(world.receptacles[wrong].name)"]
            if world.receptacles[wrong].openable && !world.receptacles[wrong].isOpen {
                actions.append("open \(world.receptacles[wrong].name)")
            }
            actions.append("put \(world.objects[held].name) in/on \(world.receptacles[wrong].name)")
            return actions
        case .pickTwoObjAndPlace:
            let puts = commands.indices.filter { commands[$0].hasPrefix("put ") }
            return Array(commands[...puts[0]])
        default:
            return commands.filter { !["heat ", "cool ", "clean ", "use "].contains(where: $0.hasPrefix) }
        }
    }

    @Test(arguments: ActionMode.allCases)
    func wrongAgentScoresZeroOnEveryDevTask(mode: ActionMode) async throws {
        var results: [EpisodeResult] = []
        for task in try env.devTasks() {
            let commands = try wrongActions(for: task)
            #expect(!commands.isEmpty)
            let actions: [AgentAction] = commands.enumerated().map { index, command in
                mode == .text ? .text("THOUGHT: step \(index).\nACTION: \(command)")
                    : .call(ToolCall(id: "c\(index)", name: "take_action", arguments: ["action": .string(command)]))
            }
            let outcome = try await EpisodeReplay.play(env, task, mode: mode, actions: actions)
            #expect(outcome.result.reward == 0, "\(task.id)")
            #expect(outcome.result.finish == .taskLimit, "\(task.id): the agent stopped before the goal")
            #expect(!outcome.observations.contains(HouseholdWorld.nothingHappens), "\(task.id): every step acts")
            results.append(outcome.result)
        }
        #expect(env.score(results).value == 0)
    }

    @Test func lookingUntilTheLimitScoresZero() async throws {
        let task = try #require(try env.devTasks().first)
        let actions = (0..<50).map { AgentAction.text("THOUGHT: Let me look once more (\($0)).\nACTION: look") }
        let outcome = try await EpisodeReplay.play(env, task, mode: .text, actions: actions)
        #expect(outcome.result.finish == .taskLimit)
        #expect(outcome.result.rounds == 35)
        #expect(outcome.result.reward == 0)
        #expect(outcome.observations[0].hasPrefix("You are in the middle of a room."))
    }

    @Test func threeIdenticalRepliesInARowEndTheEpisodeAsAgentBenchDoes() async throws {
        let task = try #require(try env.devTasks().first)
        let actions = Array(repeating: AgentAction.text("ACTION: look"), count: 10)
        let outcome = try await EpisodeReplay.play(env, task, mode: .text, actions: actions)
        #expect(outcome.result.finish == .invalidAction)
        #expect(outcome.result.rounds == 4)
        #expect(outcome.result.reward == 0)
        #expect(outcome.observations.last?.contains("three times in a row") == true)
    }

    // MARK: Formats and invalid actions

    @Test func replyWithoutAnActionIsInvalidFormat() async throws {
        let task = try #require(try env.devTasks().first)
        let outcome = try await EpisodeReplay.play(env, task, mode: .text,
                                                   actions: [.text("THOUGHT: I should find the object first.")])
        #expect(outcome.result.finish == .invalidFormat)
        #expect(outcome.result.reward == 0)
        #expect(outcome.observations == ["Your reply has no action. End every reply with a line "
                                         + "'ACTION: <one of the available actions>'."])
        // AgentBench's parser is case-sensitive: "Action:" is no action line.
        let lower = try await EpisodeReplay.play(env, task, mode: .text, actions: [.text("Action: look")])
        #expect(lower.result.finish == .invalidFormat)
    }

    @Test func functionModeRejectsUnknownToolsBadArgumentsAndBareText() async throws {
        let task = try #require(try env.devTasks().first)
        let unknown = try await EpisodeReplay.play(env, task, mode: .functions, actions: [
            .call(ToolCall(id: "1", name: "go_to", arguments: ["receptacle": "fridge 1"])),
        ])
        #expect(unknown.result.finish == .invalidFormat)
        #expect(unknown.observations.first?.contains("no function 'go_to'") == true)
        let badArgument = try await EpisodeReplay.play(env, task, mode: .functions, actions: [
            .call(ToolCall(id: "1", name: "take_action", arguments: ["command": "look"])),
        ])
        #expect(badArgument.result.finish == .invalidFormat)
        #expect(badArgument.observations.first?.contains("'action'") == true)
        let bare = try await EpisodeReplay.play(env, task, mode: .functions, actions: [.text("I will look around.")])
        #expect(bare.result.finish == .invalidFormat)
        #expect(bare.observations.first?.contains("Call the take_action function") == true)
        // A text reply that follows the text protocol still acts in function mode.
        let text = try await EpisodeReplay.play(env, task, mode: .functions, actions: [.text("ACTION: look")])
        #expect(text.result.finish == .taskLimit)
        #expect(text.observations.first?.hasPrefix("You are in the middle of a room.") == true)
    }

    @Test func nonsenseGetsNothingHappensAndTheEpisodeGoesOn() async throws {
        let task = try #require(try env.devTasks().first)
        let solution = try env.solution(for: task).map(AgentAction.text)
        let actions = [AgentAction.text("THOUGHT: hm.\nACTION: dance wildly"),
                       .call(ToolCall(id: "x", name: "take_action", arguments: ["action": "xyzzy"]))] + solution
        let episode = try await env.makeEpisode(for: task, mode: .text)
        _ = try await episode.start()
        let first = try await episode.step(actions[0])
        #expect(first.observation.hasPrefix("Nothing happens.\nAVAILABLE ACTIONS:\n"))
        #expect(!first.done)
        let second = try await episode.step(actions[1])
        #expect(second.observation.hasPrefix("Nothing happens."))
        var last = second
        for action in solution { last = try await episode.step(action) }
        #expect(last.finish == .completed)
        let grade = try await episode.grade()
        #expect(grade.reward == 1)
        #expect(grade.details["nothing_happens"] == .int(2))
        await episode.close()
    }

    @Test func stepAfterTheEndThrows() async throws {
        let task = try #require(try env.devTasks().first)
        let episode = try await env.makeEpisode(for: task, mode: .text)
        _ = try await episode.start()
        _ = try await episode.step(.text("no action here"))
        await #expect(throws: EnvironmentError.self) { try await episode.step(.text("ACTION: look")) }
        await episode.close()
    }

    // MARK: Prompts

    @Test func textOpeningFollowsAgentBenchWithAnExampleOfTheSameType() async throws {
        for task in try env.devTasks() {
            let scenario = try env.scenario(of: task)
            let episode = try await env.makeEpisode(for: task, mode: .text)
            let opening = try await episode.start()
            await episode.close()
            let messages = opening.messages
            #expect(opening.tools.isEmpty)
            #expect(messages[0].role == .user && messages[0].content.contains("ACTION: your next action"))
            #expect(messages[1].role == .assistant)
            #expect(messages[2].content.hasPrefix("Here is one example.\nYou are in the middle of a room."))
            let exampleTask = try #require(messages[2].content.split(separator: "\n").last)
            let example = try HouseholdGenerator(seed: HouseholdPrompts.exampleSeed(for: scenario.goal.type,
                                                                                    avoiding: scenario.seed))
                .generate(type: scenario.goal.type)
            #expect(exampleTask == "Your task is to: \(example.goal.text)")
            #expect(example.seed != scenario.seed)
            for (index, message) in messages.enumerated() {
                #expect(message.role == (index % 2 == 0 ? .user : .assistant), "\(task.id) message \(index)")
            }
            let last = try #require(messages.last)
            #expect(last.content.hasPrefix("Here is your task. You are in the middle of a room."))
            #expect(last.content.contains("Your task is to: \(scenario.goal.text)\nAVAILABLE ACTIONS:\n"))
            #expect(messages[messages.count - 2].content == "ACTION: Task succeeded.")
        }
    }

    @Test func functionOpeningOffersTheTakeActionTool() async throws {
        let task = try #require(try env.devTasks().first)
        let episode = try await env.makeEpisode(for: task, mode: .functions)
        let opening = try await episode.start()
        await episode.close()
        #expect(opening.messages.map(\.role) == [.system, .user])
        #expect(opening.tools.map(\.name) == ["take_action"])
        #expect(opening.tools[0].parameters["required"] == ["action"])
        #expect(opening.messages[1].content.contains("AVAILABLE ACTIONS:\ngo to "))
    }

    @Test func episodesAreIsolated() async throws {
        let task = try #require(try env.devTasks().first)
        let solution = try env.solution(for: task)
        let first = try await env.makeEpisode(for: task, mode: .text)
        let second = try await env.makeEpisode(for: task, mode: .text)
        _ = try await first.start()
        _ = try await second.start()
        for reply in solution.dropLast() { _ = try await first.step(.text(reply)) }
        let fresh = try await second.step(.text(solution[0]))
        let replayed = try await EpisodeReplay.play(env, task, mode: .text, actions: [.text(solution[0])])
        #expect(fresh.observation == replayed.observations[0])
        #expect(try await second.grade().reward == 0)
        await first.close()
        await second.close()
    }

    // MARK: Loader

    private func withTaskFile(_ text: String, _ body: (URL) throws -> Void) throws {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("household-\(UUID().uuidString).jsonl")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        try body(url)
    }

    private func loadError(_ text: String) throws -> String {
        var message = ""
        try withTaskFile(text) { url in
            do {
                _ = try env.loadTasks(from: url)
            } catch let error as EnvironmentError {
                message = error.message
            }
        }
        return message
    }

    @Test func loaderNamesTheLineAndField() throws {
        let good = #"{"id": "h-1", "type": "pick_and_place", "seed": 3}"#
        #expect(try loadError(good + "\n{not json}\n").contains(".jsonl:2: not valid JSON"))
        #expect(try loadError(good + "\n" + #"{"id": "h-2", "type": "pick_and_place"}"#).contains(":2: field 'seed'"))
        #expect(try loadError(#"{"id": "h-2", "type": "boil_egg", "seed": 1}"#).contains(":1: field 'type' must be one of"))
        #expect(try loadError(#"{"type": "pick_and_place", "seed": 1}"#).contains(":1: field 'id'"))
        #expect(try loadError(#"{"id": "h", "type": "pick_and_place", "seed": -4}"#).contains(":1: field 'seed'"))
        #expect(try loadError("[1, 2]").contains(":1: a task must be a JSON object"))
        #expect(try loadError(good + "\n\n" + good).contains(":3: field 'id': 'h-1' repeats line 1"))
        #expect(try loadError(#"{"id": "h", "type": "pick_heat_then_place", "seed": 1, "scene": "bedroom"}"#)
            .contains(":1: scene 'bedroom' cannot host a pick_heat_then_place task"))
        #expect(try loadError(#"{"id": "h", "type": "pick_heat_then_place", "seed": 1, "object": "fork"}"#)
            .contains(":1: object 'fork' does not fit"))
        #expect(try loadError(#"{"id": "h", "type": "pick_cool_then_place", "seed": 1, "object": "apple", "target": "fridge"}"#)
            .contains(":1: target 'fridge' does not fit"))
        #expect(try loadError(#"{"id": "h", "type": "pick_and_place", "seed": 1, "scene": 7}"#)
            .contains(":1: field 'scene' must be a non-empty string"))
    }

    @Test func loaderReadsPinnedChoices() throws {
        let line = #"{"id": "h-9", "type": "pick_heat_then_place", "seed": 12, "object": "mug", "target": "coffeemachine"}"#
        try withTaskFile(line + "\n") { url in
            let tasks = try env.loadTasks(from: url)
            #expect(tasks.map(\.id) == ["h-9"])
            #expect(tasks[0].environment == "household")
            let scenario = try env.scenario(of: tasks[0])
            #expect(scenario.goal.object == "mug" && scenario.goal.target == "coffeemachine")
            #expect(scenario.scene == "kitchen")
            #expect(tasks[0].summary == "pick_heat_then_place: \(scenario.goal.text)")
        }
    }
}
