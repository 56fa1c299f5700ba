import EmergentEngine
import Foundation

/// What a measurement reports while it runs, for a progress bar.
public enum EmergenceProgress: Sendable, Hashable {
    /// Work on a checkpoint began (index from 1).
    case checkpoint(id: String, index: Int, of: Int)
    /// A stage (`loss` or a task name) advanced.
    case step(checkpoint: String, stage: String, done: Int, of: Int)
    /// A stage was read from the cache.
    case cached(checkpoint: String, stage: String)
    /// A stage finished (computed or cached).
    case finished(checkpoint: String, stage: String)
}

/// Measures every checkpoint's corpus loss and task scores: the data `emergent emergence measure` writes.
///
/// Each (checkpoint, loss) and (checkpoint, task) result is cached, so a re-run only measures what changed, and a
/// checkpoint whose results are all cached is never loaded.
public struct EmergenceMeasurement: Sendable {
    /// The results, and how many stages were computed and how many read from the cache.
    public struct Outcome: Sendable {
        public var results: EmergenceResults
        public var computed: Int
        public var fromCache: Int
    }

    public var checkpoints: [EmergenceCheckpoint]
    /// The evaluation corpus text, and a name for it in the results.
    public var corpus: String
    public var corpusName: String
    public var tasks: [EmergenceTask]
    /// Context window for loss windows and task prompts.
    public var contextLength: Int
    /// Sliding-window stride for the loss (nil: llama-perplexity's chunks).
    public var stride: Int?
    /// Score at most this many items per task.
    public var limit: Int?
    public var cache: MeasurementCache?
    public var threads: Int

    public init(
        checkpoints: [EmergenceCheckpoint], corpus: String, corpusName: String, tasks: [EmergenceTask],
        contextLength: Int = 512, stride: Int? = nil, limit: Int? = nil, cache: MeasurementCache? = nil,
        threads: Int = SessionOptions.defaultThreads
    ) {
        self.checkpoints = checkpoints
        self.corpus = corpus
        self.corpusName = corpusName
        self.tasks = tasks
        self.contextLength = contextLength
        self.stride = stride
        self.limit = limit
        self.cache = cache
        self.threads = threads
    }

    /// Runs the measurement.
    public func run(progress: @escaping @Sendable (EmergenceProgress) -> Void = { _ in }) async throws -> Outcome {
        var measured: [EmergenceResults.Checkpoint] = []
        var rows: [EmergenceResults.Row] = []
        var computed = 0
        var fromCache = 0
        let corpusHash = ContentHash.of([corpus])
        for (index, checkpoint) in checkpoints.enumerated() {
            progress(.checkpoint(id: checkpoint.id, index: index + 1, of: checkpoints.count))
            var session: InferenceSession?
            func openSession() async throws -> InferenceSession {
                if let session { return session }
                let model = try await Model.load(from: checkpoint.path)
                let made = try await InferenceSession(
                    model: model, options: SessionOptions(contextLength: contextLength, threads: threads))
                session = made
                return made
            }
            let id = checkpoint.id

            let lossKey = cache?.key(
                checkpoint: checkpoint, part: "loss", inputs: [corpusHash, "\(contextLength)", "\(stride ?? 0)"])
            let loss: LossResult
            if let cache, let lossKey, let cached = await cache.read(LossResult.self, key: lossKey) {
                loss = cached
                fromCache += 1
                progress(.cached(checkpoint: id, stage: "loss"))
            } else {
                let measurer = CorpusLoss(window: contextLength, stride: stride)
                loss = try await measurer.measure(corpus, session: try await openSession()) { done, total in
                    progress(.step(checkpoint: id, stage: "loss", done: done, of: total))
                }
                if let cache, let lossKey { try await cache.write(loss, key: lossKey) }
                computed += 1
            }
            progress(.finished(checkpoint: id, stage: "loss"))
            measured.append(
                EmergenceResults.Checkpoint(
                    id: id, label: checkpoint.label, path: checkpoint.path, parameters: checkpoint.parameters,
                    trainingTokens: checkpoint.trainingTokens, loss: loss.meanNegativeLogLikelihood))

            for task in tasks {
                let key = cache?.key(
                    checkpoint: checkpoint, part: task.name,
                    inputs: [task.contentHash, "\(contextLength)", "\(limit ?? -1)"])
                if let cache, let key, let cached = await cache.read([EmergenceResults.Row].self, key: key) {
                    rows += cached
                    fromCache += 1
                    progress(.cached(checkpoint: id, stage: task.name))
                } else {
                    let scorer = TaskScorer(session: try await openSession())
                    let name = task.name
                    let scored = try await scorer.score(task, checkpoint: id, limit: limit) { done, total in
                        progress(.step(checkpoint: id, stage: name, done: done, of: total))
                    }
                    if let cache, let key { try await cache.write(scored, key: key) }
                    rows += scored
                    computed += 1
                }
                progress(.finished(checkpoint: id, stage: task.name))
            }
        }
        return Outcome(
            results: EmergenceResults(corpus: corpusName, checkpoints: measured, rows: rows), computed: computed,
            fromCache: fromCache)
    }
}
