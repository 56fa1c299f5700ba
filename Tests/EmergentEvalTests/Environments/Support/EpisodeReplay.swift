import EmergentCore
@testable import EmergentEval

/// Plays fixed actions into a fresh episode, one per agent turn, the way the runner does (the turn limit ends it
/// with `task_limit`; running out of actions before the episode ends also counts as `task_limit`), then grades it.
struct EpisodeReplay {
    struct Outcome {
        var result: EpisodeResult
        var opening: EpisodeOpening
        var observations: [String]
    }

    static func play(_ environment: any Environment, _ task: EvalTask, mode: ActionMode,
                     actions: [AgentAction]) async throws -> Outcome {
        let episode = try await environment.makeEpisode(for: task, mode: mode)
        do {
            let opening = try await episode.start()
            var observations: [String] = []
            var finish: EpisodeFinish = .taskLimit
            var rounds = 0
            for action in actions {
                if rounds >= environment.roundLimit { break }
                rounds += 1
                let outcome = try await episode.step(action)
                observations.append(outcome.observation)
                if outcome.done {
                    finish = outcome.finish ?? .completed
                    break
                }
            }
            let grade = try await episode.grade()
            await episode.close()
            let result = EpisodeResult(taskID: task.id, environment: environment.name, finish: finish,
                                       reward: grade.reward, rounds: rounds, details: grade.details)
            return Outcome(result: result, opening: opening, observations: observations)
        } catch {
            await episode.close()
            throw error
        }
    }

    /// Replays the environment's own solution for `task` in `mode`.
    static func solve(_ environment: any Environment, _ task: EvalTask, mode: ActionMode) async throws -> Outcome {
        let actions: [AgentAction] = mode == .text
            ? try environment.solution(for: task).map(AgentAction.text)
            : try environment.solutionCalls(for: task).map(AgentAction.call)
        return try await play(environment, task, mode: mode, actions: actions)
    }
}
