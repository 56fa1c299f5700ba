import Foundation

/// Where a run's progress goes (the CLI draws a bar per environment).
public protocol EvalProgress: Sendable {
    /// Before any episode: each environment's episode count and how many of them were already finished.
    func planned(_ environments: [(name: String, total: Int, done: Int)]) async
    /// After each episode.
    func finished(_ record: EvalRecord) async
}

/// Runs environments' tasks with an agent: every (task, attempt) that the run directory does not already hold,
/// up to `concurrency` episodes at a time, saving each episode as it ends. Scores do not depend on the
/// concurrency: each episode is isolated and the summary orders results by environment, task and attempt.
public struct EvalRunner: Sendable {
    /// One environment and the tasks to run in it.
    public struct Plan: Sendable {
        public var environment: any Environment
        public var tasks: [EvalTask]

        public init(environment: any Environment, tasks: [EvalTask]) {
            self.environment = environment
            self.tasks = tasks
        }
    }

    public var plans: [Plan]
    public var mode: ActionMode
    public var repeats: Int
    public var concurrency: Int

    public init(plans: [Plan], mode: ActionMode, repeats: Int = 1, concurrency: Int = 1) {
        self.plans = plans
        self.mode = mode
        self.repeats = max(1, repeats)
        self.concurrency = max(1, concurrency)
    }

    /// Runs what is left to run and returns the run's summary (all finished episodes, earlier ones included).
    /// Cancelling the calling task stops the run; finished episodes stay saved and a rerun resumes.
    @discardableResult
    public func run(agents: any EvalAgentProvider, into directory: EvalRunDirectory,
                    progress: (any EvalProgress)? = nil, weights: OverallWeights = .agentBench) async throws
        -> EvalSummary
    {
        let finished = await directory.finishedKeys()
        var jobs: [(plan: Int, task: EvalTask, attempt: Int)] = []
        var counts: [(name: String, total: Int, done: Int)] = []
        for (index, plan) in plans.enumerated() {
            var done = 0
            for attempt in 0..<repeats {
                for task in plan.tasks {
                    let key = EpisodeKey(environment: plan.environment.name, taskID: task.id, attempt: attempt)
                    if finished.contains(key) { done += 1 } else { jobs.append((index, task, attempt)) }
                }
            }
            counts.append((plan.environment.name, plan.tasks.count * repeats, done))
        }
        await progress?.planned(counts)
        let runners = plans.map { EpisodeRunner(environment: $0.environment, mode: mode) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func launch() {
                let job = jobs[next]
                next += 1
                group.addTask {
                    let agent = try await agents.agent(for: job.task, attempt: job.attempt)
                    guard let trajectory = await runners[job.plan].run(job.task, attempt: job.attempt, agent: agent)
                    else { return }
                    let record = try await directory.save(trajectory)
                    await progress?.finished(record)
                }
            }
            while next < jobs.count, next < concurrency { launch() }
            while try await group.next() != nil {
                if Task.isCancelled { break }
                if next < jobs.count { launch() }
            }
        }
        let summary = EvalSummary.make(manifest: try directory.manifest(), records: await directory.allRecords(),
                                       environments: plans.map(\.environment), weights: weights)
        try await directory.writeSummary(summary)
        return summary
    }
}
