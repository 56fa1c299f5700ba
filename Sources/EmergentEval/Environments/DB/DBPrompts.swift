import EmergentCore
import Foundation

/// The DB environment's instructions, worked example and tools (AgentBench v0.2's action syntax, our words).
enum DBPrompts {
    static let textInstructions = """
        I will give you a question about a MySQL database, and you will help me answer it by operating the \
        database with SQL.
        Before each action, explain the problem and your plan, and write down your reasoning.
        In every turn you choose one of two actions.
        To run SQL, write:
        Action: Operation
        ```sql
        SELECT * FROM table WHERE condition;
        ```
        Put the SQL in a markdown sql code block with nothing else in it, on one line. Only one SQL statement \
        runs per turn, and only the first sql code block is used. I will run it and reply with the raw MySQL \
        output.
        When you are sure of the answer, write:
        Action: Answer
        Final Answer: ["ANSWER1", "ANSWER2", ...]
        Do not write this until you are certain: the answer must match the correct answer exactly.
        If the question asks you to change the database, make the change with operations; after that, what you \
        put in the final answer does not matter.
        A reply that matches neither pattern fails the task at once.
        The database replies with raw MySQL output; interpret it yourself.
        """

    static let functionInstructions = """
        I will give you a question about a MySQL database, and you will help me answer it by operating the \
        database with SQL.
        Explain the problem and your plan, and write down your reasoning before each action.
        In every turn, call one of the two tools. To run SQL, call `execute_sql` with one SQL statement on one \
        line; I will run it and return the raw MySQL output.
        When you are sure of the answer, call `commit_final_answer` with the list of answers. Do not call it \
        until you are certain: the answer must match the correct answer exactly.
        If the question asks you to change the database, make the change with `execute_sql` first; after that, \
        the answers you commit do not matter.
        Always act through the tools; an answer written only as text is not accepted.
        """

    /// The worked example, as earlier turns: question, an operation, its output, the answer.
    static let example: [ChatMessage] = [
        .user(taskText(question: "How many stations in the list broadcast at a frequency above 100 MHz?",
                       addDescription: "The name of this table is Radio Stations, and the headers of this table "
                           + "are Call sign,Frequency MHz,City.")),
        .assistant("""
            I need to count the rows of `Radio Stations` whose `Frequency MHz` is greater than 100. Both names \
            hold spaces, so I quote them with backticks.
            Action: Operation
            ```sql
            SELECT COUNT(*) FROM `Radio Stations` WHERE `Frequency MHz` > 100;
            ```
            """),
        .user("[(3,)]"),
        .assistant("""
            The query returns 3, so three stations broadcast above 100 MHz.
            Action: Answer
            Final Answer: ["3"]
            """),
    ]

    /// AgentBench v0.2's task text: the question, then the table description on the next line.
    static func taskText(question: String, addDescription: String) -> String {
        addDescription.isEmpty ? question : question + "\n" + addDescription
    }

    static let tools: [ToolSpec] = [
        ToolSpec(
            name: "execute_sql",
            description: "Runs one SQL statement on the database and returns the raw MySQL output.",
            parameters: .object([
                "type": "object",
                "properties": .object([
                    "query": .object(["type": "string", "description": "The SQL statement to run, on one line."]),
                ]),
                "required": .array(["query"]),
                "additionalProperties": .bool(false),
            ])),
        ToolSpec(
            name: "commit_final_answer",
            description: "Commits the final answer once all operations are done. Ends the task.",
            parameters: .object([
                "type": "object",
                "properties": .object([
                    "answers": .object([
                        "type": "array",
                        "items": .object(["type": "string"]),
                        "description": "The final answers, one string each.",
                    ]),
                ]),
                "required": .array(["answers"]),
                "additionalProperties": .bool(false),
            ])),
    ]
}
