import EmergentCore
import Foundation

/// The OS environment's prompts, worked example, tools and observation format (AgentBench v0.2's protocol, in
/// our own words).
enum OSPrompts {
    static let bashTool = "bash_action"
    static let answerTool = "answer_action"
    static let finishTool = "finish_action"
    /// AgentBench cuts observations longer than this many characters...
    static let truncateAbove = 800
    /// ...to this many, followed by the notice.
    static let truncateTo = 780
    static let truncationNotice = "\n[truncated because the output is too long]"

    static let textInstructions = """
        You are an assistant that acts like a person working at a computer, and I play the role of a Linux \
        (Ubuntu) operating system. Your job is to carry out the operations I ask for or to answer my question \
        about the system. In every turn, first think about what to do, then take exactly one of three actions: \
        "bash", "finish" or "answer".

        1. To run bash code, take the bash action and write:

        Think: your reasoning here.

        Act: bash

        ```bash
        # your bash code here
        ```

        2. When you have finished the operation I asked for, take the finish action and write:

        Think: your reasoning here.

        Act: finish

        3. When you have found the answer to my question, take the answer action and write:

        Think: your reasoning here.

        Act: answer(the answer goes between these parentheses)

        Long outputs are truncated and the truncated part is lost, so deal with long outputs yourself (count, \
        filter or page them). Your bash code must not wait for input. Remember: exactly one action per turn.
        """

    static let exampleQuestion = "How many files are in the directory \"/etc\"?"

    static let exampleTurns: [ChatMessage] = [
        .assistant("""
            Think: To count the files in /etc, I first look at what it contains.

            Act: bash

            ```bash
            ls /etc
            ```
            """),
        .user("The output of the OS:\n\nadduser.conf alternatives apt bash.bashrc bindresvport.blacklist "
              + "ca-certificates cron.d cron.daily debconf.conf [truncated because the output is too long]"),
        .assistant("""
            Think: The listing was truncated, so I count the entries with a command instead.

            Act: bash

            ```bash
            ls -1 /etc | wc -l
            ```
            """),
        .user("The output of the OS:\n\n186"),
        .assistant("""
            Think: The command printed the count: 186.

            Act: answer(186)
            """),
    ]

    static func problem(_ description: String) -> String {
        "Now, I will start a new problem in a new OS. My problem is:\n\n" + description
    }

    static func textOpening(_ description: String) -> [ChatMessage] {
        [.user(textInstructions + "\n\nNow, my problem is:\n\n" + exampleQuestion)] + exampleTurns
            + [.user(problem(description))]
    }

    static let functionInstructions = """
        You are an assistant that acts like a person working at a computer, and I play the role of a Linux \
        (Ubuntu) operating system. Your job is to carry out the operations I ask for or to answer my question \
        about the system. In every turn, think about what to do, then call exactly one of the tools. Run bash code \
        with bash_action. When you have the answer to my question, call answer_action with only the answer \
        (exact and short, for example a single number, not a sentence). When you have finished an operation I \
        asked for, or when information needed to go on is missing, call finish_action. Long outputs are \
        truncated and the truncated part is lost, so deal with long outputs yourself. Your bash code must not \
        wait for input. Always call a tool instead of answering in plain text.
        """

    static func functionOpening(_ description: String) -> [ChatMessage] {
        [.system(functionInstructions), .user(problem(description))]
    }

    static let tools: [ToolSpec] = [
        ToolSpec(name: bashTool, description: "Run bash code in the OS (one shell for the whole task: the working "
                 + "directory, variables and background jobs persist) and see its output.",
                 parameters: ["type": "object",
                              "properties": ["script": ["type": "string",
                                                        "description": "The bash code to run."]],
                              "required": ["script"]]),
        ToolSpec(name: answerTool, description: "Give the answer to the question; this ends the task.",
                 parameters: ["type": "object",
                              "properties": ["answer": ["type": "string",
                                                        "description": "The exact answer, e.g. a single number."]],
                              "required": ["answer"]]),
        ToolSpec(name: finishTool, description: "Say that the requested operation is done; this ends the task.",
                 parameters: ["type": "object", "properties": [:]]),
    ]

    /// How a bash command's output is shown to the agent.
    static func observation(_ output: OSCommandOutput, timeout: Double) -> String {
        var text = output.output
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
        if text.count > truncateAbove {
            text = String(text.prefix(truncateTo)) + truncationNotice
        }
        if output.timedOut {
            let seconds = timeout == timeout.rounded() ? String(Int(timeout)) : String(timeout)
            text += (text.isEmpty ? "" : "\n") + "[the command ran longer than \(seconds) s and was interrupted]"
        }
        return text.isEmpty ? "The output of the OS is empty." : "The output of the OS:\n\n" + text
    }
}
