import EmergentEngine
import EmergentEval
import Foundation
import Testing

@Suite("Measure: task scoring")
struct MeasureScoringTests {
    @Test("choice scores follow from log-likelihoods: softmax probability, Brier, length-normalised accuracy")
    func choiceScoresArithmetic() {
        // Choice 2 is long, so per byte it is the most likely one although its total is the lowest.
        let scores = ChoiceScores(logLikelihoods: [-1, -2, -3], byteLengths: [1, 1, 30], target: 0)
        #expect(scores.accuracy == 1)
        #expect(scores.normalizedAccuracy == 0)
        let z = exp(-1.0) + exp(-2.0) + exp(-3.0)
        let p = [exp(-1.0) / z, exp(-2.0) / z, exp(-3.0) / z]
        #expect(abs(scores.correctChoiceProbability - p[0]) < 1e-12)
        #expect(abs(scores.brier - ((1 - p[0]) * (1 - p[0]) + p[1] * p[1] + p[2] * p[2])) < 1e-12)
        // Uniform guessing over k choices scores 1 − 1/k; certainty on the wrong one scores 2.
        let uniform = ChoiceScores(logLikelihoods: [-5, -5, -5, -5], byteLengths: [1, 1, 1, 1], target: 3)
        #expect(abs(uniform.brier - 0.75) < 1e-12)
        let wrong = ChoiceScores(logLikelihoods: [0, -1000], byteLengths: [1, 1], target: 1)
        #expect(abs(wrong.brier - 2) < 1e-12)
    }

    @Test("a 3-item multiple-choice task gives consistent acc, acc_norm, correct-choice probability and Brier")
    func multipleChoiceTask() async throws {
        let directory = try MeasureResources.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try MeasureResources.write(
            ["capitals.yaml": MeasureResources.capitalsYAML, "capitals.jsonl": MeasureResources.capitalsJSONL],
            in: directory)
        let task = try EmergenceTask.load(from: directory.appendingPathComponent("capitals.yaml"))
        let items = try task.items()
        #expect(items.map(\.targetIndex) == [0, 1, 2])
        #expect(items[0].prompt == "Question: What is the capital of France?\nAnswer:")

        let scorer = TaskScorer(session: try await MeasureModel.session())
        var briers: [Double] = []
        for item in items {
            let scores = try await scorer.scoreChoices(item, delimiter: task.targetDelimiter)
            #expect(abs(scores.probabilities.reduce(0, +) - 1) < 1e-9)
            #expect((0...2).contains(scores.brier))
            #expect((0...1).contains(scores.correctChoiceProbability))
            // The model knows these: the right capital is far more likely than a random noun.
            #expect(scores.accuracy == 1, "line \(item.line): \(scores.probabilities)")
            #expect(scores.correctChoiceProbability > 0.5)
            briers.append(scores.brier)
        }
        let rows = try await scorer.score(task, checkpoint: "base")
        let byMetric = Dictionary(uniqueKeysWithValues: rows.map { ($0.metric, $0) })
        #expect(Set(byMetric.keys) == ["acc", "acc_norm", "correct_choice_prob", "brier"])
        #expect(byMetric["acc"]?.value == 1)
        #expect(abs((byMetric["brier"]?.value ?? -1) - briers.reduce(0, +) / 3) < 1e-9)
        #expect(abs((byMetric["brier"]?.chance ?? 0) - 2.0 / 3) < 1e-12)
        #expect(abs((byMetric["acc"]?.chance ?? 0) - 1.0 / 3) < 1e-12)
        #expect(byMetric["brier"]?.higherIsBetter == false)
        #expect(byMetric["correct_choice_prob"]?.continuous == true)
        #expect(byMetric["acc"]?.continuous == false)
        #expect(rows.allSatisfy { $0.count == 3 })
    }

    @Test("answers are extracted by the filter's first group, and edit similarity counts tokens")
    func extractionAndEditSimilarity() {
        #expect(GenerationScores.extract(from: " The answer is 42.\n", pattern: "(-?[0-9]+)") == "42")
        #expect(GenerationScores.extract(from: "no number", pattern: "(-?[0-9]+)") == "")
        #expect(GenerationScores.extract(from: " 17 ", pattern: nil) == "17")
        #expect(GenerationScores.extract(from: "x=5", pattern: "[0-9]") == "5")
        #expect(GenerationScores.editSimilarity([1, 2, 3, 4], [1, 2, 4]) == 0.75)
        #expect(GenerationScores.editSimilarity([Int](), []) == 1)
        #expect(GenerationScores.editSimilarity([1], []) == 0)
        let near = GenerationScores(
            answer: "1234", target: "1235", answerTokens: [1, 2, 3, 4], targetTokens: [1, 2, 3, 5])
        #expect(near.exactMatch == 0)
        #expect(near.editSimilarity == 0.75)
        let exact = GenerationScores(answer: "8", target: " 8", answerTokens: [8], targetTokens: [8])
        #expect(exact.exactMatch == 1)
    }

    @Test("a generation task renders few-shot prompts and scores greedy answers")
    func generationTask() async throws {
        let directory = try MeasureResources.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try MeasureResources.write(
            ["addition.yaml": MeasureResources.additionYAML, "addition.jsonl": MeasureResources.additionJSONL],
            in: directory)
        let task = try EmergenceTask.load(from: directory.appendingPathComponent("addition.yaml"))
        let items = try task.items(limit: 2)
        #expect(items.count == 2)
        // Two shots, never the item itself.
        #expect(
            items[0].prompt
                == "Question: What is 2 + 3?\nAnswer: 5\n\nQuestion: What is 10 + 20?\nAnswer: 30\n\nQuestion: What is 1 + 1?\nAnswer:"
        )
        let scorer = TaskScorer(session: try await MeasureModel.session())
        let scores = try await scorer.scoreGeneration(items[0], task: task)
        #expect(scores.exactMatch == (scores.answer == "2" ? 1 : 0))
        #expect((0...1).contains(scores.editSimilarity))
        let rows = try await scorer.score(task, checkpoint: "base", limit: 2)
        #expect(rows.map(\.metric) == ["exact_match", "edit_similarity"])
        #expect(rows.allSatisfy { $0.count == 2 && (0...1).contains($0.value) })
    }
}
