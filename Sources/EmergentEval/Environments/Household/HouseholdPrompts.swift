import EmergentCore
import Foundation

/// The household environment's prompts: AgentBench v0.2's alfworld protocol (instructions, an acknowledgement, one
/// worked example of the same task type, then the task with the available actions), in our own words.
public enum HouseholdPrompts {
    /// The single function-calling tool (AgentBench's function-calling alfworld offers the same one tool).
    public static let toolName = "take_action"

    static let textInstructions = """
        Interact with a household to solve a task. You are an intelligent agent in a household environment, and \
        your goal is to perform actions that complete the task. At the start you are given a description of the \
        room and the task to accomplish. Each turn you are also given the list of actions available right now; \
        choose one of them. You may think before acting or act directly. To think first, your reply must follow \
        exactly this format:
        THOUGHT: your thoughts about the situation and your plan.
        ACTION: your next action
        To act directly, reply with:
        ACTION: your next action
        After each of your turns the environment replies with what happened, and you plan your next steps from \
        it. If the environment says "Nothing happens.", your action was not valid and you should try something else.
        Reminder:
        1. Choose the action from the available actions. An action that is not among them is matched to the \
        closest available action, or does nothing.
        2. Think when necessary, but prefer acting directly.
        """

    static let acknowledgement = "OK. I'll follow your instructions and try my best to solve the task."

    static let functionInstructions = """
        Interact with a household to solve a task. You are an intelligent agent in a household environment, and \
        your goal is to perform actions that complete the task. At the start you are given a description of the \
        room and the task to accomplish. Each turn you are also given the list of actions available right now. \
        To act, call the function \(toolName) with one of those actions, written exactly as listed, as its \
        'action' argument; call it once per turn. After each call the environment replies with what happened, \
        and you plan your next steps from it. If the environment says "Nothing happens.", your action was not \
        valid and you should try something else.
        Reminder:
        1. Choose the action from the available actions. An action that is not among them is matched to the \
        closest available action, or does nothing.
        2. Always act through the \(toolName) function; think when necessary.
        """

    /// The function-calling tool.
    static var tool: ToolSpec {
        ToolSpec(
            name: toolName,
            description: "Take one action in the household: one of the AVAILABLE ACTIONS, written exactly as listed "
                + "(for example 'go to fridge 1', 'take apple 1 from countertop 1', 'put apple 1 in/on fridge 1').",
            parameters: [
                "type": "object",
                "properties": [
                    "action": ["type": "string", "description": "The action to take, from the available actions."],
                ],
                "required": ["action"],
                "additionalProperties": false,
            ])
    }

    /// The list of actions appended to each observation, as AgentBench does.
    static func availableActions(_ world: HouseholdWorld) -> String {
        "\nAVAILABLE ACTIONS:\n" + world.admissibleTexts.joined(separator: "\n")
    }

    /// The task message that opens the agent's own part of the episode.
    static func taskMessage(_ scenario: HouseholdScenario) -> String {
        "Here is your task. " + scenario.openingText + availableActions(scenario.world)
    }

    /// The seed of the worked example for a task type, never the task's own seed.
    static func exampleSeed(for type: HouseholdTaskType, avoiding seed: Int) -> Int {
        let base = 90_000 + 10 * (HouseholdTaskType.allCases.firstIndex(of: type) ?? 0)
        return base == seed ? base + 1 : base
    }

    /// One worked example of `type` as earlier turns: the room and task, then each reply and observation, ending
    /// with the agent noting success (as AgentBench's examples end).
    static func example(for type: HouseholdTaskType, avoiding seed: Int) throws -> [ChatMessage] {
        let scenario = try HouseholdGenerator(seed: exampleSeed(for: type, avoiding: seed)).generate(type: type)
        let steps = try HouseholdPlanner(scenario: scenario, detours: 1).plan()
        var messages: [ChatMessage] = [.user("Here is one example.\n" + scenario.openingText)]
        for step in steps {
            messages.append(.assistant(step.reply))
            messages.append(.user(step.observation))
        }
        messages.append(.assistant("ACTION: Task succeeded."))
        return messages
    }

    /// The opening messages of an episode.
    static func opening(_ scenario: HouseholdScenario, mode: ActionMode) throws -> EpisodeOpening {
        switch mode {
        case .text:
            var messages: [ChatMessage] = [.user(textInstructions), .assistant(acknowledgement)]
            messages += try example(for: scenario.goal.type, avoiding: scenario.seed)
            messages.append(.user(taskMessage(scenario)))
            return EpisodeOpening(messages: messages)
        case .functions:
            return EpisodeOpening(messages: [.system(functionInstructions), .user(taskMessage(scenario))],
                                  tools: [tool])
        }
    }
}
