import EmergentCore
import Foundation

/// The kg environment's prompts and tools: AgentBench v0.2's KG protocol (instructions, one worked example, then
/// "A new question: … Entities: [...]"), written in our own words with the same action syntax.
enum KGPrompt {
    static func instructions(roundLimit: Int) -> String {
        """
        You answer questions using a knowledge base (KB). You explore it with the tools below, one call per turn.

        1. get_relations(variable: var) -> list of relations
        A variable is either an entity or a set of entities produced by an earlier call (#0, #1, ...). This lists \
        every relation leaving the variable, so you can choose the one that leads towards the answer.
        Example: 'get_relations(Barack Obama)' lists the relations that start at the entity Barack Obama.
        Its argument must be an entity or a variable (such as #0), nothing else.

        2. get_neighbors(variable: var, relation: str) -> variable
        Returns all entities linked to the variable through the relation, as a new variable. Use it only with a \
        relation that get_relations() listed for that variable.
        Example: 'get_neighbors(Barack Obama, people.person.profession)' gives Obama's professions.

        3. intersection(variable1: var, variable2: var) -> variable
        Returns the entities that are in both variables. Both MUST be of the same type.

        4. get_attributes(variable: var) -> list of attributes
        Lists the numerical attributes (numbers and dates) of the variable's entities. Use it only when the question \
        asks for a superlative (the most, the least, the oldest, ...), before argmax or argmin.

        5. argmax(variable: var, attribute: str) -> variable
        Returns the entity of the variable with the largest value of the attribute. Use it only with an attribute \
        that get_attributes() listed.
        Example: 'argmax(variable, age)' gives the oldest entity of the variable.

        6. argmin(variable: var, attribute: str) -> variable
        Returns the entity of the variable with the smallest value of the attribute. Use it only with an attribute \
        that get_attributes() listed.
        Example: 'argmin(variable, age)' gives the youngest entity of the variable.

        7. count(variable: var) -> int
        Returns the number of entities in the variable, as a new variable.

        Every call that produces a variable gives it the next id, starting from 0: #0 is the first variable, #1 the \
        second, and so on. After each new variable, decide whether it answers the question.
        When you have the answer, reply with 'Final Answer: #id', where id is the variable that answers the \
        question. For example, if #3 is the answer, you MUST reply 'Final Answer: #3'.

        Take ONE action per reply: write your reasoning after 'Thought:' and then one line 'Action: function(arguments)'. \
        After you see the observation, take the next action. You can take at most \(roundLimit) actions to find the answer.
        """
    }

    /// The worked example, as alternating user/assistant turns (a world that is not in our graph).
    static let example: [ChatMessage] = [
        .user("Question: which company designed the rocket engines that burn liquid hydrogen and use the staged "
              + "combustion cycle?\nEntities: [Staged combustion cycle, Liquid hydrogen]"),
        .assistant("Thought: First I need the engines that use the staged combustion cycle, so I will look at the "
                   + "relations of the entity 'Staged combustion cycle'.\nAction: get_relations(Staged combustion cycle)"),
        .user("Observation: [spaceflight.rocket_engine_cycle.rocket_engines, spaceflight.satellite.orbiting, "
              + "automotive.engine_type.used_in]"),
        .assistant("Thought: spaceflight.rocket_engine_cycle.rocket_engines should lead to the engines of this cycle.\n"
                   + "Action: get_neighbors(Staged combustion cycle, spaceflight.rocket_engine_cycle.rocket_engines)"),
        .user("Observation: variable #0, which are instances of spaceflight.bipropellant_rocket_engine"),
        .assistant("Thought: Next I need the engines that burn liquid hydrogen, so I will look at the relations of "
                   + "'Liquid hydrogen'.\nAction: get_relations(Liquid hydrogen)"),
        .user("Observation: [spaceflight.rocket_engine_fuel.rocket_engines, chemistry.chemical_compound.uses]"),
        .assistant("Thought: spaceflight.rocket_engine_fuel.rocket_engines gives the engines burning this fuel.\n"
                   + "Action: get_neighbors(Liquid hydrogen, spaceflight.rocket_engine_fuel.rocket_engines)"),
        .user("Observation: variable #1, which are instances of spaceflight.bipropellant_rocket_engine"),
        .assistant("Thought: The engines with both properties are the intersection of #0 and #1.\n"
                   + "Action: intersection(#0, #1)"),
        .user("Observation: variable #2, which are instances of spaceflight.bipropellant_rocket_engine"),
        .assistant("Thought: Now I need who designed these engines, so I will look at the relations of #2.\n"
                   + "Action: get_relations(#2)"),
        .user("Observation: [spaceflight.rocket_engine.designed_by, spaceflight.rocket_engine.manufactured_by, "
              + "spaceflight.rocket_engine.status]"),
        .assistant("Thought: spaceflight.rocket_engine.designed_by leads to the designers.\n"
                   + "Action: get_neighbors(#2, spaceflight.rocket_engine.designed_by)"),
        .user("Observation: variable #3, which are instances of spaceflight.rocket_engine_designer"),
        .assistant("Thought: #3 holds the designers of those engines, which is what the question asks.\n"
                   + "Final Answer: #3"),
    ]

    static func question(_ task: KGTask, first: Bool) -> String {
        let names = task.entities.map(\.name).joined(separator: ", ")
        return (first ? "Question: " : "A new question: ") + task.question + "\nEntities: [\(names)]"
    }

    static func textOpening(_ task: KGTask, roundLimit: Int) -> [ChatMessage] {
        [.user(instructions(roundLimit: roundLimit)), .assistant("I've understood the instructions; please start.")]
            + example + [.user(question(task, first: false))]
    }

    static func functionsInstructions(roundLimit: Int) -> String {
        """
        You answer questions using a knowledge base (KB), exploring it with the functions you are given, one call \
        at a time.
        - A variable is an entity (by its name in the question, or its id) or a set of entities produced by an \
        earlier call. Each produced variable gets the next id: #0 is the first, #1 the second, and so on.
        - Fetch relations before following them (get_relations, then get_neighbors), and attributes before \
        argmax/argmin (get_attributes). intersection needs two variables of the same type.
        - After each new variable, judge whether it answers the question. When one does, call final_answer with it \
        (for example final_answer(variable: "#3")), or reply 'Final Answer: #3'.
        - You can take at most \(roundLimit) actions, the final answer included.
        """
    }

    static func functionsOpening(_ task: KGTask, roundLimit: Int) -> [ChatMessage] {
        [.system(functionsInstructions(roundLimit: roundLimit)), .user(question(task, first: true))]
    }

    static let finalAnswerTool = "final_answer"

    static var tools: [ToolSpec] {
        func schema(_ properties: [(String, String)]) -> JSONValue {
            var fields = JSONObject()
            for (name, text) in properties {
                fields[name] = ["type": "string", "description": .string(text)]
            }
            return ["type": "object", "properties": .object(fields),
                    "required": .array(properties.map { .string($0.0) }), "additionalProperties": false]
        }
        let variable = "An entity (its name from the question, or its id such as m.0kg001) or a variable such as #0."
        let set = "A variable such as #0 (a set of entities produced by an earlier call)."
        return [
            ToolSpec(name: KGFunction.getRelations.rawValue,
                     description: "Lists all relations leaving an entity or variable, to find useful connections.",
                     parameters: schema([("variable", variable)])),
            ToolSpec(name: KGFunction.getNeighbors.rawValue,
                     description: "Returns, as a new variable, all entities linked to the variable through the "
                         + "relation. The relation must be one that get_relations listed for the variable.",
                     parameters: schema([("variable", variable), ("relation", "A relation such as film.film.directed_by.")])),
            ToolSpec(name: KGFunction.intersection.rawValue,
                     description: "Returns, as a new variable, the entities in both variables; both must be of the same type.",
                     parameters: schema([("variable1", set), ("variable2", set)])),
            ToolSpec(name: KGFunction.getAttributes.rawValue,
                     description: "Lists the numerical attributes (numbers, dates) of a variable's entities, for argmax/argmin.",
                     parameters: schema([("variable", set)])),
            ToolSpec(name: KGFunction.argmax.rawValue,
                     description: "Returns, as a new variable, the entity with the largest value of the attribute "
                         + "(one that get_attributes listed).",
                     parameters: schema([("variable", set), ("attribute", "A numerical attribute of the variable.")])),
            ToolSpec(name: KGFunction.argmin.rawValue,
                     description: "Returns, as a new variable, the entity with the smallest value of the attribute "
                         + "(one that get_attributes listed).",
                     parameters: schema([("variable", set), ("attribute", "A numerical attribute of the variable.")])),
            ToolSpec(name: KGFunction.count.rawValue,
                     description: "Counts the entities in a variable; the count becomes a new variable.",
                     parameters: schema([("variable", set)])),
            ToolSpec(name: finalAnswerTool,
                     description: "Submits the variable that answers the question; this ends the task.",
                     parameters: schema([("variable", "The variable holding the answer, such as #3.")])),
        ]
    }
}
