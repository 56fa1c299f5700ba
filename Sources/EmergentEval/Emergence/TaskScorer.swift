import EmergentCore
import EmergentEngine
import Foundation

/// Scores a task's items with one model session and sums them into result rows.
public struct TaskScorer: Sendable {
    public var session: InferenceSession

    public init(session: InferenceSession) { self.session = session }

    /// The total log-likelihood of each choice (after the target delimiter) following the item's prompt.
    public func choiceLogLikelihoods(_ item: TaskItem, delimiter: String) async throws -> [Double] {
        let tokenizer = session.model.tokenizer
        let context = tokenizer.tokenize(item.prompt, addSpecial: true, parseSpecial: false)
        var totals: [Double] = []
        for choice in item.choices {
            let continuation = tokenizer.tokenize(delimiter + choice, addSpecial: false, parseSpecial: false)
            totals.append(try await session.logLikelihood(context: context, continuation: continuation).total)
        }
        return totals
    }

    /// Scores one multiple-choice item.
    public func scoreChoices(_ item: TaskItem, delimiter: String) async throws -> ChoiceScores {
        guard let target = item.targetIndex else {
            throw EmergenceError("item on line \(item.line) has no target choice")
        }
        let totals = try await choiceLogLikelihoods(item, delimiter: delimiter)
        return ChoiceScores(logLikelihoods: totals, byteLengths: item.choices.map(\.utf8.count), target: target)
    }

    /// Generates greedily for one item and scores the extracted answer.
    public func scoreGeneration(_ item: TaskItem, task: EmergenceTask) async throws -> GenerationScores {
        let options = GenerationOptions(maxTokens: task.maxGenerationTokens, stop: task.until, sampling: .greedy)
        let completion = try await session.complete(.text(item.prompt), options: options)
        let answer = GenerationScores.extract(from: completion.text, pattern: task.filter)
        let tokenizer = session.model.tokenizer
        return GenerationScores(
            answer: answer, target: item.targetText,
            answerTokens: tokenizer.tokenize(answer, addSpecial: false),
            targetTokens: tokenizer.tokenize(
                item.targetText.trimmingCharacters(in: .whitespacesAndNewlines),
                addSpecial: false))
    }

    /// Scores every item and returns one row per metric for `checkpoint`.
    /// - Parameter progress: called after each item with (items done, items in all).
    public func score(
        _ task: EmergenceTask, checkpoint: String, limit: Int? = nil,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> [EmergenceResults.Row] {
        let items = try task.items(limit: limit)
        var sums: [String: Double] = [:]
        var chances: [String: Double] = [:]
        for (index, item) in items.enumerated() {
            try Task.checkCancellation()
            switch task.outputType {
            case .multipleChoice:
                let scores = try await scoreChoices(item, delimiter: task.targetDelimiter)
                let guess = 1 / Double(item.choices.count)
                for (metric, value, chance) in [
                    ("acc", scores.accuracy, task.chance ?? guess),
                    ("acc_norm", scores.normalizedAccuracy, task.chance ?? guess),
                    ("correct_choice_prob", scores.correctChoiceProbability, guess), ("brier", scores.brier, 1 - guess),
                ] {
                    sums[metric, default: 0] += value
                    chances[metric, default: 0] += chance
                }
            case .generateUntil:
                let scores = try await scoreGeneration(item, task: task)
                sums["exact_match", default: 0] += scores.exactMatch
                sums["edit_similarity", default: 0] += scores.editSimilarity
                chances["exact_match", default: 0] += task.chance ?? 0
                chances["edit_similarity", default: 0] += 0
            }
            progress?(index + 1, items.count)
        }
        let count = Double(max(items.count, 1))
        let metrics: [(String, higher: Bool, continuous: Bool)] =
            task.outputType == .multipleChoice
            ? [
                ("acc", true, false), ("acc_norm", true, false), ("correct_choice_prob", true, true),
                ("brier", false, true),
            ]
            : [("exact_match", true, false), ("edit_similarity", true, true)]
        return metrics.map { metric in
            EmergenceResults.Row(
                checkpoint: checkpoint, task: task.name, metric: metric.0, value: (sums[metric.0] ?? 0) / count,
                chance: (chances[metric.0] ?? 0) / count, higherIsBetter: metric.higher,
                continuous: metric.continuous, count: items.count)
        }
    }
}
