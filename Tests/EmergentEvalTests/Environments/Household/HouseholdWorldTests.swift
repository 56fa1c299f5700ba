import EmergentCore
import Foundation
import Testing
@testable import EmergentEval

/// The world's rules, the six goal checks, the generator's determinism and AgentBench's action mapping.
@Suite struct HouseholdWorldTests {
    /// countertop 1 (apple 1, mug 1), fridge 1 (closed), microwave 1 (closed), sinkbasin 1, sidetable 1 (desklamp 1,
    /// apple 2), cabinet 1 (closed, empty).
    private func smallWorld() -> HouseholdWorld {
        func receptacle(_ kind: String, _ contents: [Int] = []) -> HouseholdReceptacle {
            HouseholdReceptacle(kind: kind, number: 1, openable: HouseholdCatalog.openable.contains(kind),
                                isOpen: false, contents: contents)
        }
        return HouseholdWorld(
            receptacles: [receptacle("cabinet"), receptacle("countertop", [0, 1]), receptacle("fridge"),
                          receptacle("microwave"), receptacle("sidetable", [2, 3]), receptacle("sinkbasin")],
            objects: [HouseholdObject(kind: "apple", number: 1, container: 1),
                      HouseholdObject(kind: "mug", number: 1, container: 1),
                      HouseholdObject(kind: "apple", number: 2, container: 4),
                      HouseholdObject(kind: "desklamp", number: 1, container: 4)])
    }

    private func run(_ commands: [String], on world: inout HouseholdWorld) -> [String] {
        commands.map { world.execute($0) }
    }

    // MARK: World rules and wording

    @Test func commandsFollowALFWorldRulesAndWording() {
        var world = smallWorld()
        #expect(world.roomDescription == "You are in the middle of a room. Looking quickly around you, you see a "
                + "cabinet 1, a countertop 1, a fridge 1, a microwave 1, a sidetable 1, and a sinkbasin 1.")
        #expect(world.admissibleTexts.first == "go to cabinet 1")
        #expect(world.admissibleTexts.contains("look") && world.admissibleTexts.contains("inventory"))
        let answers = run(["take apple 1 from countertop 1", "go to countertop 1", "take apple 1 from countertop 1",
                           "take mug 1 from countertop 1", "inventory", "examine apple 1", "go to fridge 1",
                           "put apple 1 in/on fridge 1", "open fridge 1", "cool apple 1 with fridge 1",
                           "examine apple 1", "put apple 1 in/on fridge 1", "close fridge 1", "look",
                           "go to cabinet 1", "open cabinet 1"], on: &world)
        #expect(answers == [
            "Nothing happens.",
            "On the countertop 1, you see a apple 1, and a mug 1.",
            "You pick up the apple 1 from the countertop 1.",
            "Nothing happens.",
            "You are carrying: a apple 1.",
            "There's nothing special about apple 1.",
            "The fridge 1 is closed.",
            "Nothing happens.",
            "You open the fridge 1. The fridge 1 is open. In it, you see nothing.",
            "You cool the apple 1 using the fridge 1.",
            "This is a cool apple 1.",
            "You put the apple 1 in/on the fridge 1.",
            "You close the fridge 1.",
            "You are facing the fridge 1. Next to it, you see nothing.",
            "The cabinet 1 is closed.",
            "You open the cabinet 1. The cabinet 1 is open. In it, you see nothing.",
        ])
        #expect(world.objects[0].container == 2 && world.held == nil)
        #expect(world.admissibleTexts == world.admissibleTexts.sorted())
    }

    @Test func applianceCommandsNeedTheObjectInHandAndTheAgentThere() {
        var world = smallWorld()
        #expect(run(["heat apple 1 with microwave 1", "go to countertop 1", "take mug 1 from countertop 1",
                     "go to microwave 1"], on: &world)[0] == "Nothing happens.")
        #expect(world.admissibleTexts.contains("heat mug 1 with microwave 1"))
        #expect(!world.admissibleTexts.contains("put mug 1 in/on microwave 1"), "a closed microwave takes nothing")
        #expect(run(["heat mug 1 with microwave 1", "go to sinkbasin 1", "clean mug 1 with sinkbasin 1",
                     "examine mug 1", "cool mug 1 with fridge 1"], on: &world)
                == ["You heat the mug 1 using the microwave 1.", "On the sinkbasin 1, you see nothing.",
                    "You clean the mug 1 using the sinkbasin 1.", "This is a hot and clean mug 1.",
                    "Nothing happens."])
        #expect(run(["go to sidetable 1", "use desklamp 1", "examine desklamp 1", "take desklamp 1 from sidetable 1",
                     "use desklamp 1"], on: &world)
                == ["On the sidetable 1, you see a apple 2, and a desklamp 1.", "You turn on the desklamp 1.",
                    "This desklamp 1 is on.", "Nothing happens.", "You turn off the desklamp 1."])
    }

    // MARK: Goals

    @Test func pickAndPlaceNeedsTheObjectKindInTheTargetKind() {
        var world = smallWorld()
        let goal = HouseholdGoal(type: .pickAndPlace, object: "apple", target: "cabinet", phrasing: 0)
        #expect(goal.text == "put a apple in cabinet.")
        #expect(!goal.isSatisfied(by: world))
        _ = run(["go to countertop 1", "take mug 1 from countertop 1", "go to cabinet 1", "open cabinet 1",
                 "put mug 1 in/on cabinet 1"], on: &world)
        #expect(!goal.isSatisfied(by: world), "a mug is not an apple")
        _ = run(["go to sidetable 1", "take apple 2 from sidetable 1", "go to fridge 1", "open fridge 1",
                 "put apple 2 in/on fridge 1"], on: &world)
        #expect(!goal.isSatisfied(by: world), "a fridge is not a cabinet")
        _ = run(["take apple 2 from fridge 1", "go to cabinet 1", "put apple 2 in/on cabinet 1"], on: &world)
        #expect(goal.isSatisfied(by: world))
    }

    @Test(arguments: [HouseholdTaskType.pickHeatThenPlace, .pickCoolThenPlace, .pickCleanThenPlace])
    func processedPlacementNeedsTheRightState(type: HouseholdTaskType) {
        let goal = HouseholdGoal(type: type, object: "apple", target: "cabinet", phrasing: 1)
        let prepare = ["go to countertop 1", "take apple 1 from countertop 1"]
        let place = ["go to cabinet 1", "open cabinet 1", "put apple 1 in/on cabinet 1"]
        let heat = ["go to microwave 1", "heat apple 1 with microwave 1"]
        let cool = ["go to fridge 1", "cool apple 1 with fridge 1"]
        let clean = ["go to sinkbasin 1", "clean apple 1 with sinkbasin 1"]
        let right = type == .pickHeatThenPlace ? heat : type == .pickCoolThenPlace ? cool : clean
        let wrong = type == .pickHeatThenPlace ? cool : heat

        var untouched = smallWorld()
        _ = run(prepare + place, on: &untouched)
        #expect(!goal.isSatisfied(by: untouched), "an unprocessed apple in the cabinet")

        var wrongState = smallWorld()
        _ = run(prepare + wrong + place, on: &wrongState)
        #expect(!goal.isSatisfied(by: wrongState), "an apple processed the wrong way")

        var processedElsewhere = smallWorld()
        _ = run(prepare + right + ["go to countertop 1", "put apple 1 in/on countertop 1"], on: &processedElsewhere)
        #expect(!goal.isSatisfied(by: processedElsewhere), "a processed apple in the wrong place")

        var done = smallWorld()
        _ = run(prepare + right + place, on: &done)
        #expect(goal.isSatisfied(by: done))

        if type != .pickCleanThenPlace {
            var undone = smallWorld()
            _ = run(prepare + right + wrong + place, on: &undone)
            #expect(!goal.isSatisfied(by: undone), "heating undoes cooling and the other way round")
        }
    }

    @Test func pickTwoNeedsTwoObjectsInOneReceptacle() {
        var world = smallWorld()
        world.receptacles.append(HouseholdReceptacle(kind: "cabinet", number: 2, openable: true, isOpen: false,
                                                     contents: []))
        let goal = HouseholdGoal(type: .pickTwoObjAndPlace, object: "apple", target: "cabinet", phrasing: 0)
        #expect(goal.text == "put two apple in cabinet.")
        _ = run(["go to countertop 1", "take apple 1 from countertop 1", "go to cabinet 1", "open cabinet 1",
                 "put apple 1 in/on cabinet 1"], on: &world)
        #expect(!goal.isSatisfied(by: world), "one apple is not two")
        var split = world
        _ = run(["go to sidetable 1", "take apple 2 from sidetable 1", "go to cabinet 2", "open cabinet 2",
                 "put apple 2 in/on cabinet 2"], on: &split)
        #expect(!goal.isSatisfied(by: split), "two apples in two cabinets")
        _ = run(["go to sidetable 1", "take apple 2 from sidetable 1", "go to cabinet 1",
                 "put apple 2 in/on cabinet 1"], on: &world)
        #expect(goal.isSatisfied(by: world))
    }

    @Test func lookingNeedsTheObjectInHandUnderTheLitLamp() {
        var world = smallWorld()
        let goal = HouseholdGoal(type: .lookAtObjInLight, object: "mug", target: "desklamp", phrasing: 1)
        #expect(goal.text == "examine the mug with the desklamp.")
        _ = run(["go to sidetable 1", "use desklamp 1"], on: &world)
        #expect(!goal.isSatisfied(by: world), "the lamp is on but the mug is not in hand")
        _ = run(["take apple 2 from sidetable 1"], on: &world)
        #expect(!goal.isSatisfied(by: world), "an apple is not a mug")
        _ = run(["put apple 2 in/on sidetable 1", "go to countertop 1", "take mug 1 from countertop 1"], on: &world)
        #expect(!goal.isSatisfied(by: world), "the mug is not under the lamp")
        _ = run(["go to sidetable 1"], on: &world)
        #expect(goal.isSatisfied(by: world))
        _ = run(["use desklamp 1"], on: &world)
        #expect(!goal.isSatisfied(by: world), "the lamp is off again")
    }

    // MARK: Generator

    @Test func sameSeedGivesTheSameWorldPromptAndOracle() async throws {
        let env = HouseholdEnvironment()
        for type in HouseholdTaskType.allCases {
            let first = try HouseholdGenerator(seed: 77).generate(type: type)
            let second = try HouseholdGenerator(seed: 77).generate(type: type)
            #expect(first == second)
            let other = try HouseholdGenerator(seed: 78).generate(type: type)
            #expect(other.world != first.world, "\(type.rawValue): seeds 77 and 78 gave the same room")
            let task = EvalTask(id: "t", environment: "household", summary: "",
                                payload: HouseholdTaskSpec(id: "t", type: type, seed: 77).json)
            let otherTask = EvalTask(id: "u", environment: "household", summary: "",
                                     payload: HouseholdTaskSpec(id: "u", type: type, seed: 78).json)
            #expect(try env.solution(for: task) == env.solution(for: task))
            #expect(try env.solution(for: task) != env.solution(for: otherTask))
            let openings = try await [task, task, otherTask].householdAsyncMap { task in
                let episode = try await env.makeEpisode(for: task, mode: .text)
                defer { Task { await episode.close() } }
                return try await episode.start().messages
            }
            #expect(openings[0] == openings[1])
            #expect(openings[0].last != openings[2].last)
        }
    }

    @Test func generatedTasksAreSolvableWithinTheLimitAndStartUnsolved() throws {
        for type in HouseholdTaskType.allCases {
            var scenes = Set<String>(), objects = Set<String>(), closedStarts = 0
            for seed in 0..<150 {
                let scenario = try HouseholdGenerator(seed: seed).generate(type: type)
                #expect(!scenario.goal.isSatisfied(by: scenario.world))
                let steps = try HouseholdPlanner(scenario: scenario).plan()
                #expect(steps.count <= 35)
                scenes.insert(scenario.scene)
                objects.insert(scenario.goal.object)
                if scenario.world.objects.contains(where: { object in
                    object.kind == scenario.goal.object
                        && object.container.map { scenario.world.receptacles[$0].openable } == true
                }) { closedStarts += 1 }
                let names = scenario.world.objects.map(\.name) + scenario.world.receptacles.map(\.name)
                #expect(Set(names).count == names.count, "names are unique")
            }
            #expect(scenes == Set(HouseholdGenerator.scenes(for: type).map(\.name)))
            #expect(objects.count >= 4, "\(type.rawValue) draws few objects: \(objects)")
            #expect(closedStarts > 20, "\(type.rawValue): objects rarely start in closed receptacles")
        }
    }

    // MARK: AgentBench's action mapping

    @Test func bleuMatchesNLTKsSentenceBleuWithMethod4() {
        // Reference values computed with NLTK 3.10 sentence_bleu(..., smoothing_function=method4).
        let cases: [(String, String, Double)] = [
            ("go to fridge 1", "go to the fridge", 0.18616487055295167),
            ("take apple 1 from countertop 1", "take apple from countertop 1", 0.30834517982041937),
            ("look", "look around", 0.06754436142034707),
            ("open fridge 1", "fridge", 0.1353352832366127),
            ("go to cabinet 1", "go to the fridge", 0.16821895003341453),
            ("put apple 1 in/on fridge 1", "put apple 1 in fridge 1", 0.293945703509473),
            ("inventory", "dance wildly", 0),
        ]
        for (reference, candidate, expected) in cases {
            let score = HouseholdActionMatcher.bleu(reference: reference, candidate: candidate)
            #expect(abs(score - expected) < 1e-9, "\(reference) / \(candidate): \(score)")
        }
    }

    @Test func nearMissesMapToTheClosestAdmissibleCommand() {
        var world = smallWorld()
        let start = world.admissibleTexts
        #expect(HouseholdActionMatcher.match("go to the fridge", admissible: start) == "go to fridge 1")
        #expect(HouseholdActionMatcher.match("  Go To Fridge 1\n", admissible: start) == "go to fridge 1")
        #expect(HouseholdActionMatcher.match("look around", admissible: start) == "look")
        #expect(HouseholdActionMatcher.match("dance wildly", admissible: start) == "dance wildly")
        _ = world.execute("go to countertop 1")
        let here = world.admissibleTexts
        #expect(HouseholdActionMatcher.match("take apple from countertop 1", admissible: here)
                == "take apple 1 from countertop 1")
        _ = world.execute("take apple 1 from countertop 1")
        _ = world.execute("go to fridge 1")
        _ = world.execute("open fridge 1")
        #expect(HouseholdActionMatcher.match("put apple 1 in fridge 1", admissible: world.admissibleTexts)
                == "put apple 1 in/on fridge 1")
        #expect(HouseholdActionMatcher.actionLine(in: "THOUGHT: go.\nACTION: go to fridge 1\nmore") == " go to fridge 1")
        #expect(HouseholdActionMatcher.actionLine(in: "THOUGHT: no action") == nil)
    }

    @Test func anEpisodeMapsNearMissesAndCountsThem() async throws {
        let env = HouseholdEnvironment()
        let task = try #require(try env.devTasks().first)
        let scenario = try env.scenario(of: task)
        let steps = try HouseholdPlanner(scenario: scenario).plan()
        // Drop the number of the object in the "take" step: AgentBench's mapping restores it.
        let replies = steps.map { step -> String in
            guard step.command.hasPrefix("take ") else { return "ACTION: \(step.command)" }
            let words = step.command.split(separator: " ")
            return "ACTION: " + ([words[0], words[1]] + words[3...]).joined(separator: " ")
        }
        #expect(replies.filter { $0.hasPrefix("ACTION: take ") }.allSatisfy { !$0.contains(" 1 from ") })
        let outcome = try await EpisodeReplay.play(env, task, mode: .text, actions: replies.map(AgentAction.text))
        #expect(outcome.result.finish == .completed)
        #expect(outcome.result.reward == 1)
        #expect(outcome.result.details["mapped_actions"] == .int(1))
    }
}

extension Array {
    fileprivate func householdAsyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
