import EmergentCore
import Synchronization

/// Wraps a model so that its first `rounds` calls must call a tool (`tool_choice: required`, which the local engine
/// enforces with a grammar); later calls are left as asked. Benchmarks use it to get multi-step agent runs from small
/// models, whose own choices are too erratic to measure. The prompt is unchanged: only the sampling is constrained.
public final class ForcedToolRounds: LanguageModel {
    private let base: any LanguageModel
    private let rounds: Int
    private let calls = Mutex(0)

    public init(_ base: any LanguageModel, rounds: Int) {
        self.base = base
        self.rounds = rounds
    }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ModelEvent, any Error> {
        let index = calls.withLock { count in
            defer { count += 1 }
            return count
        }
        var request = request
        if index < rounds, !request.tools.isEmpty { request.toolChoice = .required }
        return base.stream(request)
    }
}
