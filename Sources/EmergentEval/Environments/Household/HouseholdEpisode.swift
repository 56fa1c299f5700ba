import EmergentCore
import Foundation

/// One live household episode: its own copy of the room, the agent's turns, and whether the goal was reached.
actor HouseholdEpisode: Episode {
    private let scenario: HouseholdScenario
    private let mode: ActionMode
    private var world: HouseholdWorld
    /// The agent's raw outputs (whole replies in text mode, action arguments in function mode), for the repeat rule.
    private var outputs: [String] = []
    private var finish: EpisodeFinish?
    private var won = false
    private var mappedActions = 0
    private var nothingHappened = 0
    private var commands: [String] = []

    init(scenario: HouseholdScenario, mode: ActionMode) {
        self.scenario = scenario
        self.mode = mode
        world = scenario.world
    }

    func start() async throws -> EpisodeOpening {
        world = scenario.world
        outputs = []
        finish = nil
        won = false
        mappedActions = 0
        nothingHappened = 0
        commands = []
        return try HouseholdPrompts.opening(scenario, mode: mode)
    }

    func step(_ action: AgentAction) async throws -> StepOutcome {
        if let finish {
            throw EnvironmentError("the household episode is already over (\(finish.rawValue)); start a new one")
        }
        let output: String
        let actionText: String
        switch action {
        case .text(let reply):
            guard let line = HouseholdActionMatcher.actionLine(in: reply) else {
                return end(.invalidFormat(mode == .text
                    ? "Your reply has no action. End every reply with a line 'ACTION: <one of the available actions>'."
                    : "No action was taken. Call the \(HouseholdPrompts.toolName) function with one of the "
                        + "available actions."))
            }
            output = reply
            actionText = line
        case .call(let call):
            guard call.name == HouseholdPrompts.toolName else {
                return end(.invalidFormat("There is no function '\(call.name)'. The only function is "
                                          + "\(HouseholdPrompts.toolName)(action)."))
            }
            guard let argument = call.arguments["action"]?.stringValue else {
                return end(.invalidFormat("\(HouseholdPrompts.toolName) needs a string argument 'action' holding "
                                          + "one of the available actions."))
            }
            output = argument
            actionText = argument
        }

        let admissible = world.admissibleTexts
        let command = HouseholdActionMatcher.match(actionText, admissible: admissible)
        if command != HouseholdActionMatcher.normalize(actionText) { mappedActions += 1 }
        let observation = world.execute(command)
        if observation == HouseholdWorld.nothingHappens { nothingHappened += 1 }
        commands.append(command)
        outputs.append(output)

        // AgentBench ends an episode whose last three outputs are identical (checked from the fourth turn on).
        if outputs.count > 3, Set(outputs.suffix(3)).count == 1 {
            return end(.invalidAction("\(observation)\nYou repeated the same action three times in a row, so the "
                                      + "episode ends."))
        }
        if scenario.goal.isSatisfied(by: world) {
            won = true
            return end(.completed(observation))
        }
        return .observe(observation + HouseholdPrompts.availableActions(world))
    }

    func grade() async throws -> EpisodeGrade {
        EpisodeGrade(reward: won ? 1 : 0, details: [
            "type": .string(scenario.goal.type.rawValue),
            "goal": .string(scenario.goal.text),
            "scene": .string(scenario.scene),
            "seed": .int(scenario.seed),
            "won": .bool(won),
            "actions": .array(commands.map(JSONValue.string)),
            "mapped_actions": .int(mappedActions),
            "nothing_happens": .int(nothingHappened),
        ])
    }

    func close() async {
        outputs = []
        commands = []
    }

    private func end(_ outcome: StepOutcome) -> StepOutcome {
        finish = outcome.finish
        return outcome
    }
}
