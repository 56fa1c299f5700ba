import EmergentCore
import Foundation

/// The fine-tuning formats trajectories export to.
public enum TuningFormat: String, Sendable, CaseIterable, Codable {
    /// ShareGPT conversations as AgentInstruct publishes them (`conversations` of `from`/`value`, with a `loss`
    /// flag that is false for the instructions and worked example), and LLaMA-Factory's `function_call` /
    /// `observation` turns plus a `tools` string for function-calling trajectories.
    case sharegpt
    /// OpenAI's chat fine-tuning JSONL: `messages` with `tool_calls` and `tool` messages, and `tools`.
    case openai
}

/// Turns a trajectory into one training example. The agent's thoughts stay in its turns (a separately reported
/// reasoning is written as `<think>…</think>` before the reply); environment observations become user turns
/// (text mode) or tool turns (function-calling mode), as each format requires.
public struct TuningExporter: Sendable {
    public var format: TuningFormat

    public init(format: TuningFormat) { self.format = format }

    /// The example as one compact JSON line.
    public func line(for trajectory: EvalTrajectory) -> String {
        example(for: trajectory).compactJSON
    }

    public func example(for trajectory: EvalTrajectory) -> JSONValue {
        switch format {
        case .sharegpt: shareGPT(trajectory)
        case .openai: openAI(trajectory)
        }
    }

    private func shareGPT(_ trajectory: EvalTrajectory) -> JSONValue {
        var turns: [JSONValue] = []
        var system: String?
        for (index, message) in trajectory.messages.enumerated() {
            let trained = index >= trajectory.openingCount
            switch message.role {
            case .system, .developer:
                if index == 0 { system = message.content } else {
                    turns.append(["from": "human", "loss": false, "value": .string(message.content)])
                }
            case .user:
                turns.append(["from": "human", "loss": false, "value": .string(message.content)])
            case .assistant:
                let text = Self.replyText(message)
                if !text.isEmpty || message.toolCalls.isEmpty {
                    turns.append(["from": "gpt", "loss": .bool(trained), "value": .string(text)])
                }
                if !message.toolCalls.isEmpty {
                    let calls = message.toolCalls.map { call -> JSONValue in
                        ["name": .string(call.name), "arguments": call.arguments]
                    }
                    let value = calls.count == 1 ? calls[0] : .array(calls)
                    turns.append(["from": "function_call", "loss": .bool(trained), "value": .string(value.compactJSON)])
                }
            case .tool:
                turns.append(["from": "observation", "loss": false, "value": .string(message.content)])
            }
        }
        var object: JSONObject = [
            "id": .string("\(trajectory.task.environment)/\(trajectory.task.id)/\(trajectory.attempt)"),
            "conversations": .array(turns),
        ]
        if let system { object["system"] = .string(system) }
        if !trajectory.tools.isEmpty { object["tools"] = .string(Self.openAITools(trajectory.tools).compactJSON) }
        object["environment"] = .string(trajectory.task.environment)
        object["reward"] = .double(trajectory.reward)
        return .object(object)
    }

    private func openAI(_ trajectory: EvalTrajectory) -> JSONValue {
        var messages: [JSONValue] = []
        for message in trajectory.messages {
            switch message.role {
            case .system, .developer:
                messages.append(["role": "system", "content": .string(message.content)])
            case .user:
                messages.append(["role": "user", "content": .string(message.content)])
            case .assistant:
                var object: JSONObject = ["role": "assistant", "content": .string(Self.replyText(message))]
                if !message.toolCalls.isEmpty {
                    object["tool_calls"] = .array(message.toolCalls.map { call in
                        ["id": .string(call.id), "type": "function",
                         "function": ["name": .string(call.name), "arguments": .string(call.arguments.compactJSON)]]
                    })
                }
                messages.append(.object(object))
            case .tool:
                messages.append(["role": "tool", "tool_call_id": .string(message.toolCallID ?? ""),
                                 "content": .string(message.content)])
            }
        }
        var object: JSONObject = ["messages": .array(messages)]
        if !trajectory.tools.isEmpty {
            object["tools"] = Self.openAITools(trajectory.tools)
            object["parallel_tool_calls"] = false
        }
        return .object(object)
    }

    static func replyText(_ message: ChatMessage) -> String {
        guard let reasoning = message.reasoningContent, !reasoning.isEmpty else { return message.content }
        return "<think>\(reasoning)</think>\n" + message.content
    }

    static func openAITools(_ tools: [ToolSpec]) -> JSONValue {
        .array(tools.map { tool in
            ["type": "function",
             "function": ["name": .string(tool.name), "description": .string(tool.description),
                          "parameters": tool.parameters]]
        })
    }
}
