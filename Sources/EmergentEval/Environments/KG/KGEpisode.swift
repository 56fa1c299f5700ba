import EmergentCore
import Foundation

/// One kg episode: a private in-memory graph, the variables the agent has made, and the answer it gave.
actor KGEpisode: Episode {
    private let task: KGTask
    private let mode: ActionMode
    private let graph: KGGraphStore
    private let roundLimit: Int
    private let strictFormat: Bool
    private var executor: KGExecutor?
    private var answer: (index: Int, variable: KGVariable)?

    init(task: KGTask, mode: ActionMode, graph: KGGraphStore, roundLimit: Int, strictFormat: Bool) {
        self.task = task
        self.mode = mode
        self.graph = graph
        self.roundLimit = roundLimit
        self.strictFormat = strictFormat
    }

    func start() async throws -> EpisodeOpening {
        executor = KGExecutor(store: try KGGraphStore(copying: graph), entities: task.entities)
        answer = nil
        switch mode {
        case .text:
            return EpisodeOpening(messages: KGPrompt.textOpening(task, roundLimit: roundLimit))
        case .functions:
            return EpisodeOpening(messages: KGPrompt.functionsOpening(task, roundLimit: roundLimit),
                                  tools: KGPrompt.tools)
        }
    }

    func step(_ action: AgentAction) async throws -> StepOutcome {
        guard var executor else { throw EnvironmentError("kg episode: step() before start()") }
        defer { self.executor = executor }
        switch action {
        case .text(let reply):
            return try textStep(reply, &executor)
        case .call(let call):
            return try callStep(call, &executor)
        }
    }

    private func textStep(_ reply: String, _ executor: inout KGExecutor) throws -> StepOutcome {
        switch KGActionParser.parse(reply) {
        case .finalAnswer(let index):
            return submit(index, executor)
        case .call(let call):
            return .observe(try executor.run(call))
        case .badActionLine(let line):
            return formatProblem("Cannot read the action line '\(line)': write one call as 'Action: "
                                 + "function(argument1, argument2)' with matching parentheses.")
        case .nothing:
            if mode == .functions {
                return formatProblem("No function call found: call one of the functions, or call final_answer "
                                     + "with the variable that answers the question.")
            }
            return formatProblem("No executable function found! End each reply with one line 'Action: "
                                 + "function(arguments)', or with 'Final Answer: #id' once you have the answer.")
        }
    }

    private func callStep(_ call: ToolCall, _ executor: inout KGExecutor) throws -> StepOutcome {
        let parameters: [String]
        if call.name == KGPrompt.finalAnswerTool {
            parameters = ["variable"]
        } else if let function = KGFunction(rawValue: call.name) {
            parameters = function.parameters
        } else {
            return .observe("Function \(call.name) does not exist. The functions are \(KGFunction.namesList), "
                            + "\(KGPrompt.finalAnswerTool).")
        }
        // Some backends pass the arguments as a JSON string rather than an object.
        var arguments = call.arguments
        if let text = arguments.stringValue, let parsed = try? JSONValue(parsing: text) { arguments = parsed }
        var values: [String] = []
        for name in parameters {
            guard let value = arguments[name]?.stringValue else {
                return .observe("Arguments do not match the function signature: \(call.name) takes "
                                + parameters.map { "'\($0)'" }.joined(separator: ", ") + " (strings).")
            }
            values.append(value.trimmingCharacters(in: .whitespaces))
        }
        if call.name == KGPrompt.finalAnswerTool {
            guard let index = KGActionParser.variableIndex(values[0]) else {
                return .observe("final_answer needs a variable such as #3, not '\(values[0])'.")
            }
            return submit(index, executor)
        }
        return .observe(try executor.run(KGParsedCall(name: call.name, arguments: values)))
    }

    /// The agent names its answer; a variable that does not exist is refused and the episode goes on (AgentBench).
    private func submit(_ index: Int, _ executor: KGExecutor) -> StepOutcome {
        guard index < executor.variables.count else {
            let known = executor.variables.isEmpty
                ? "no variables exist yet" : "the variables are #0 to #\(executor.variables.count - 1)"
            return .observe("Invalid variable id! #\(index) does not exist (\(known)). Need to recheck the action.")
        }
        answer = (index, executor.variables[index])
        return .completed("Final answer: #\(index).")
    }

    /// An unreadable reply ends the episode (`invalid_format`), unless the environment was made lenient, in which
    /// case it is an observation and the episode goes on, as in AgentBench v0.2.
    private func formatProblem(_ message: String) -> StepOutcome {
        strictFormat ? .invalidFormat(message) : .observe(message)
    }

    func grade() async throws -> EpisodeGrade {
        let predicted = answer?.variable.members ?? []
        let f1 = KGMetric.f1(predicted: predicted, gold: task.answer)
        let exact = Set(predicted) == Set(task.answer)
        var names: [String: String] = [:]
        if let executor { names = try executor.store.names(predicted + task.answer) }
        let details: JSONValue = [
            "question": .string(task.question),
            "expected": .array(task.answer.map(JSONValue.string)),
            "expected_names": .array(task.answer.map { .string(names[$0] ?? $0) }),
            "given_variable": answer.map { .string("#\($0.index)") } ?? .null,
            "given": .array(predicted.map(JSONValue.string)),
            "given_names": .array(predicted.map { .string(names[$0] ?? $0) }),
            "f1": .double(f1),
            "exact_match": .bool(exact),
            "executable": .bool(!predicted.isEmpty),
        ]
        return EpisodeGrade(reward: f1, details: details)
    }

    func close() async {
        executor = nil
    }
}
