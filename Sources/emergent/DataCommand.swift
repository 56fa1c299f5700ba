import ArgumentParser
import EmergentEval
import Foundation

/// `emergent data …`: agent-tuning data from collected trajectories (AgentInstruct / AgentTuning).
struct DataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Turn kept trajectories into fine-tuning data and mix them with general data.",
        subcommands: [Export.self, Mix.self]
    )
}

extension DataCommand {
    /// `emergent data export`.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write the kept trajectories of runs as ShareGPT or OpenAI chat JSONL.",
            discussion: """
                Keeps episodes that completed with reward ≥ --threshold (per environment with --threshold-for). \
                Thoughts stay in the agent's turns; observations become user turns (text mode) or tool turns \
                (function calling). ShareGPT lines carry AgentInstruct's loss flags (false for the instructions \
                and worked example).

                Examples:
                  emergent data export runs/collect --format sharegpt --out agent-sharegpt.jsonl
                  emergent data export runs/collect runs/collect-fc --format openai --out agent.jsonl
                """
        )

        @Argument(help: "Run directories from `eval collect` or `eval run`.")
        var runs: [String]

        @Option(name: .long, help: "sharegpt or openai.")
        var format: TuningFormat = .openai

        @Option(name: .long, help: "Keep episodes with at least this reward.")
        var threshold = 1.0

        @Option(name: .long, help: "ENV=THRESHOLD for one environment (repeatable).")
        var thresholdFor: [String] = []

        @Option(name: .long, help: "The JSONL file to write.")
        var out: String

        func run() async throws {
            try await CommandErrors.reporting {
                let rule = try KeepRule.parse(threshold: threshold, overrides: thresholdFor)
                let export = TrajectoryExport(format: format, rule: rule)
                let (lines, episodes) = try await export.lines(from: runs.map { URL(fileURLWithPath: $0) })
                let text = lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
                try text.write(toFile: out, atomically: true, encoding: .utf8)
                Terminal.error("Wrote \(lines.count) examples (of \(episodes) episodes) to \(out)")
                if lines.isEmpty {
                    Terminal.error("hint: no episode passed the threshold; lower it with --threshold or collect more attempts.")
                }
            }
        }
    }

    /// `emergent data mix`.
    struct Mix: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mix",
            abstract: "Mix agent and general examples as AgentTuning does: η·agent + (1−η)·general.",
            discussion: """
                Exact duplicates are removed first; the mixture is sampled without replacement and shuffled with \
                --seed, so the same inputs and seed give the same file.

                Example:
                  emergent data mix --agent agent.jsonl --general sharegpt-general.jsonl --eta 0.2 --size 10000 --seed 1 --out mix.jsonl
                """
        )

        @Option(name: .long, help: "Agent examples (JSONL from `data export`).")
        var agent: String

        @Option(name: .long, help: "General chat examples in the same format.")
        var general: String

        @Option(name: .long, help: "The share of agent examples (AgentTuning: 0.2).")
        var eta = 0.2

        @Option(name: .long, help: "Examples in the mixture.")
        var size: Int

        @Option(name: .long, help: "Seed for sampling and shuffling.")
        var seed: UInt64 = 0

        @Option(name: .long, help: "The JSONL file to write.")
        var out: String

        func run() async throws {
            try await CommandErrors.reporting {
                let mix = TuningMix(eta: eta, size: size, seed: seed)
                let (lines, report) = try mix.mix(agent: URL(fileURLWithPath: agent), general: URL(fileURLWithPath: general))
                try (lines.joined(separator: "\n") + "\n").write(toFile: out, atomically: true, encoding: .utf8)
                Terminal.output("""
                    agent examples: \(report.agentChosen) of \(report.agentAvailable) distinct
                    general examples: \(report.generalChosen) of \(report.generalAvailable) distinct
                    exact duplicates removed: \(report.duplicatesRemoved)
                    η = \(report.eta): wrote \(lines.count) examples to \(out)

                    """)
            }
        }
    }
}

extension TuningFormat: ExpressibleByArgument {}
