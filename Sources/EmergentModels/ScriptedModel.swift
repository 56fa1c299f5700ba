import EmergentCore
import Foundation
import Synchronization

/// A language model that replays fixed replies, one per call, so agent runs are deterministic in tests and demos.
/// It speaks the same protocol as the real backends: replies stream as content pieces and tool-call events, and
/// every call ends with a finish reason and usage. The requests it received can be read back.
public final class ScriptedModel: LanguageModel {
    /// One scripted reply.
    public struct Reply: Sendable {
        public var events: [ModelEvent]
        /// Pause before each event (to stand in for generation time).
        public var pause: Duration

        public init(events: [ModelEvent], pause: Duration = .zero) {
            self.events = events
            self.pause = pause
        }

        /// A plain answer, streamed in a few pieces.
        public static func text(_ text: String, pause: Duration = .zero) -> Reply {
            Reply(events: pieces(of: text).map(ModelEvent.content) + [.finished(.endOfGeneration, usage(text))],
                  pause: pause)
        }

        /// Optional text, then tool calls given as (name, JSON arguments text).
        public static func toolCalls(_ calls: [(name: String, arguments: String)], text: String = "") -> Reply {
            var events: [ModelEvent] = text.isEmpty ? [] : pieces(of: text).map(ModelEvent.content)
            for (index, call) in calls.enumerated() {
                events.append(.toolCallStart(index: index, id: "call_\(index)_\(abs(call.name.hashValue) % 100_000)",
                                             name: call.name))
                events.append(.toolCallArguments(index: index, fragment: call.arguments))
            }
            let all = text + calls.map { $0.name + $0.arguments }.joined()
            events.append(.finished(.toolCalls, usage(all)))
            return Reply(events: events)
        }

        /// One tool call.
        public static func toolCall(_ name: String, _ arguments: String, text: String = "") -> Reply {
            toolCalls([(name, arguments)], text: text)
        }

        /// Text that looked like a tool call but could not be parsed.
        public static func malformed(_ text: String, reason: String) -> Reply {
            Reply(events: [.content(text), .malformed(text: text, reason: reason),
                           .finished(.endOfGeneration, usage(text))])
        }

        private static func pieces(of text: String) -> [String] {
            var result: [String] = []
            var current = ""
            for character in text {
                current.append(character)
                if character == " " || character == "\n" {
                    result.append(current)
                    current = ""
                }
            }
            if !current.isEmpty { result.append(current) }
            return result
        }

        /// Roughly four characters per token, so token limits behave plausibly.
        private static func usage(_ text: String) -> Usage {
            Usage(completionTokens: max(1, text.count / 4))
        }
    }

    private let respond: @Sendable (Int, ChatRequest) -> Reply?
    private let received = Mutex<[ChatRequest]>([])

    /// Replays `replies` in order, one per call.
    public init(_ replies: [Reply]) {
        self.respond = { index, _ in index < replies.count ? replies[index] : nil }
    }

    /// Asks `respond` for each call's reply, given the call's number (from 0) and the request — so a script can
    /// read the tool results it was sent, as a model would. Returning `nil` fails the call.
    public init(respond: @escaping @Sendable (Int, ChatRequest) -> Reply?) {
        self.respond = respond
    }

    /// The requests received so far, in order.
    public var requests: [ChatRequest] { received.withLock { $0 } }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ModelEvent, any Error> {
        let index = received.withLock { list in
            list.append(request)
            return list.count - 1
        }
        let reply = respond(index, request)
        return .producing { continuation in
            guard let reply else {
                throw ScriptedModelError(message: "the script has no reply for call \(index + 1); add one")
            }
            let promptTokens = request.messages.reduce(0) { $0 + $1.content.count / 4 + 4 }
            for event in reply.events {
                if reply.pause > .zero { try await Task.sleep(for: reply.pause) }
                try Task.checkCancellation()
                if case .finished(let reason, var usage) = event {
                    usage.promptTokens = promptTokens
                    continuation.yield(.finished(reason, usage))
                } else {
                    continuation.yield(event)
                }
            }
        }
    }
}

/// A scripted model was called more often than it has replies.
public struct ScriptedModelError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { "scripted model: \(message)" }
}
