import ArgumentParser
import EmergentCore

/// Sampling options shared by `generate` and `chat`.
struct SamplingOptionGroup: ParsableArguments {
    @Option(name: .long, help: "Sampling temperature; 0 is greedy (deterministic).")
    var temperature: Double = 0

    @Option(name: .long, help: "Keep only the K most likely tokens (0 = off).")
    var topK: Int = 0

    @Option(name: .long, help: "Nucleus sampling: keep tokens up to this total probability (1 = off).")
    var topP: Double = 1

    @Option(name: .long, help: "Drop tokens less likely than this fraction of the best one (0 = off).")
    var minP: Double = 0

    @Option(name: .long, help: "Penalise recently generated tokens by this factor (1 = off).")
    var repeatPenalty: Double = 1

    @Option(name: .long, help: "Subtract this from the logit of every token already generated.")
    var presencePenalty: Double = 0

    @Option(name: .long, help: "Subtract this per earlier occurrence of a token.")
    var frequencyPenalty: Double = 0

    @Option(name: .long, help: "Random seed, for reproducible sampling.")
    var seed: UInt32?

    var parameters: SamplingParameters {
        SamplingParameters(
            temperature: temperature, topK: topK, topP: topP, minP: minP, repeatPenalty: repeatPenalty,
            presencePenalty: presencePenalty, frequencyPenalty: frequencyPenalty, seed: seed)
    }
}
