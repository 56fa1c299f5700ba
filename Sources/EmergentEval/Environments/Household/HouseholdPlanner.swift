import Foundation

/// One step of a plan: the command and a short thought that explains it.
public struct HouseholdPlanStep: Sendable, Hashable {
    public var thought: String
    public var command: String
    /// What the world answered (filled in while planning, used for worked examples).
    public var observation: String

    /// The step as a text-mode reply.
    public var reply: String { "THOUGHT: \(thought)\nACTION: \(command)" }
}

/// The oracle: plans a goal from the world state (it knows where everything is). It goes to the object's
/// receptacle, opens it if closed, takes the object, processes it with the appliance, goes to the target (opening
/// it when needed) and puts it there; for pick_two it does that twice, for look_at_obj_in_light it takes the
/// object to the lamp and switches it on. Every command is checked against the admissible ones as it plans.
public struct HouseholdPlanner: Sendable {
    public var scenario: HouseholdScenario
    /// How many wrong receptacles to search first (worked examples show a little searching; the oracle uses 0).
    public var detours: Int

    public init(scenario: HouseholdScenario, detours: Int = 0) {
        self.scenario = scenario
        self.detours = detours
    }

    private struct State {
        var world: HouseholdWorld
        var steps: [HouseholdPlanStep] = []
        var detoursLeft: Int
    }

    /// The plan, which reaches the goal; throws if the scenario cannot be solved (a generator bug).
    public func plan() throws -> [HouseholdPlanStep] {
        var state = State(world: scenario.world, detoursLeft: detours)
        let goal = scenario.goal
        let world = scenario.world
        let candidates = world.objects.indices.filter { world.objects[$0].kind == goal.object }
        guard let first = candidates.first else { throw failure("there is no \(goal.object)") }
        let intro = "The task is to \(goal.text.dropLast())"

        switch goal.type {
        case .lookAtObjInLight:
            guard let lamp = world.objects.firstIndex(where: { $0.kind == goal.target }),
                  let lampPlace = world.objects[lamp].container else { throw failure("there is no \(goal.target)") }
            try fetch(first, &state, intro: "\(intro), so I need a \(goal.object) and the \(goal.target).")
            if state.world.location != lampPlace {
                try act("go to \(world.receptacles[lampPlace].name)",
                        "Now I take the \(world.objects[first].name) to the \(world.objects[lamp].name).", &state)
            }
            try act("use \(world.objects[lamp].name)",
                    "I switch on the \(world.objects[lamp].name) to look at the \(world.objects[first].name).", &state)
        case .pickTwoObjAndPlace:
            guard candidates.count >= 2 else { throw failure("there are fewer than two \(goal.object)") }
            let target = try targetReceptacle()
            try fetch(candidates[0], &state, intro: "\(intro), so I need to find two \(goal.object) one at a time.")
            try deliver(candidates[0], to: target, &state)
            try fetch(candidates[1], &state, intro: "One is in place; now I need the second \(goal.object).")
            try deliver(candidates[1], to: target, &state)
        default:
            let target = try targetReceptacle()
            try fetch(first, &state, intro: "\(intro), so first I need to find a \(goal.object).")
            if let appliance = goal.appliance {
                guard let place = world.receptacles.firstIndex(where: { $0.kind == appliance }) else {
                    throw failure("there is no \(appliance)")
                }
                let verb = goal.type == .pickHeatThenPlace ? "heat" : goal.type == .pickCoolThenPlace ? "cool" : "clean"
                let name = world.objects[first].name, placeName = world.receptacles[place].name
                try act("go to \(placeName)", "I need to \(verb) the \(name) with the \(placeName).", &state)
                try act("\(verb) \(name) with \(placeName)", "I \(verb) the \(name) here.", &state)
            }
            try deliver(first, to: target, &state)
        }
        guard goal.isSatisfied(by: state.world) else { throw failure("the plan does not reach the goal") }
        return state.steps
    }

    /// The first receptacle of the target kind (lowest number).
    private func targetReceptacle() throws -> Int {
        let world = scenario.world
        let matches = world.receptacles.indices.filter { world.receptacles[$0].kind == scenario.goal.target }
        guard let best = matches.min(by: { world.receptacles[$0].number < world.receptacles[$1].number }) else {
            throw failure("there is no \(scenario.goal.target)")
        }
        return best
    }

    private func fetch(_ item: Int, _ state: inout State, intro: String) throws {
        guard let place = state.world.objects[item].container else { throw failure("the object is not placed") }
        var thought = intro
        while state.detoursLeft > 0, let detour = detour(avoiding: place, state.world) {
            state.detoursLeft -= 1
            try visit(detour, "\(thought) I'll look in the \(state.world.receptacles[detour].name) first.", &state)
            thought = "There is no \(scenario.goal.object) here, so I'll try elsewhere."
        }
        let receptacle = state.world.receptacles[place]
        try visit(place, "\(thought) The \(receptacle.kind) is a likely place; I go to the \(receptacle.name).", &state)
        try act("take \(state.world.objects[item].name) from \(receptacle.name)",
                "I found a \(scenario.goal.object): the \(state.world.objects[item].name). I pick it up.", &state)
    }

    private func deliver(_ item: Int, to target: Int, _ state: inout State) throws {
        let name = state.world.receptacles[target].name
        try visit(target, "Now I take the \(state.world.objects[item].name) to the \(name).", &state)
        try act("put \(state.world.objects[item].name) in/on \(name)",
                "I put the \(state.world.objects[item].name) in/on the \(name).", &state)
    }

    /// Goes to a receptacle (unless already there) and opens it when it is closed.
    private func visit(_ place: Int, _ thought: String, _ state: inout State) throws {
        let name = state.world.receptacles[place].name
        if state.world.location != place { try act("go to \(name)", thought, &state) }
        if state.world.receptacles[place].openable && !state.world.receptacles[place].isOpen {
            try act("open \(name)", "The \(name) is closed, so I open it.", &state)
        }
    }

    /// A receptacle with no object of the goal's kind, to search in vain first (worked examples only).
    private func detour(avoiding place: Int, _ world: HouseholdWorld) -> Int? {
        world.receptacles.indices.first { index in
            index != place && index != world.location && world.receptacles[index].kind != scenario.goal.target
                && !world.receptacles[index].contents.contains { world.objects[$0].kind == scenario.goal.object }
                && HouseholdCatalog.canContain(world.receptacles[index].kind, scenario.goal.object)
        }
    }

    private func act(_ command: String, _ thought: String, _ state: inout State) throws {
        guard state.world.admissibleTexts.contains(command) else {
            throw failure("'\(command)' is not admissible while planning")
        }
        let observation = state.world.execute(command)
        state.steps.append(HouseholdPlanStep(thought: thought, command: command, observation: observation))
    }

    private func failure(_ problem: String) -> EnvironmentError {
        EnvironmentError("household task (\(scenario.goal.type.rawValue), seed \(scenario.seed)) has no solution: "
                         + problem)
    }
}
