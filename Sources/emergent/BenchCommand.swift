import ArgumentParser
import EmergentCore
import EmergentEngine
import Foundation

/// `emergent bench …`: measurements against peers, side by side in one run.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Emergent against reference implementations.",
        subcommands: [
            EngineBenchCommand.self, TemplateBenchCommand.self, ServeBenchCommand.self, SandboxBenchCommand.self,
            AgentBenchCommand.self,
        ]
    )
}

/// `emergent bench engine`: prompt processing and generation speed against llama.cpp's own llama-bench.
struct EngineBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Measure prompt-processing and generation speed next to llama.cpp's llama-bench.",
        discussion: """
            Runs the same measurements as llama-bench (a prompt of --prompt-tokens random tokens; then \
            --gen-tokens single-token steps) through Emergent's engine, and llama-bench itself with the same \
            model, threads and sizes, alternating round by round so both see the same machine conditions. It \
            prints the medians over all rounds and their ratio. llama-bench is built once from the same \
            llama.cpp source (scripts/setup.sh --peers) if it is missing.

            It also measures prefix reuse (appending 20 tokens to a 1,000-token session versus evaluating all \
            1,020 from scratch) and the peak memory of loading the model.
            """
    )

    @Option(name: .long, help: "Path to a GGUF model (default: the installed default model).")
    var model: String?

    @Option(name: .long, help: "CPU threads, for both Emergent and llama-bench.")
    var threads: Int = SessionOptions.defaultThreads

    @Option(name: .long, help: "Prompt tokens for the prompt-processing test.")
    var promptTokens: Int = 512

    @Option(name: .long, help: "Tokens for the generation test.")
    var genTokens: Int = 128

    @Option(name: .long, help: "Measured rounds (after one warm-up); each round runs both engines once.")
    var repetitions: Int = 7

    @Flag(name: .long, help: "Skip llama-bench (Emergent's figures only).")
    var noPeer = false

    @Flag(name: .long, help: "Print one JSON object instead of a table.")
    var json = false

    func validate() throws {
        guard promptTokens >= 2, genTokens >= 1, repetitions >= 1, threads >= 1 else {
            throw ValidationError("--prompt-tokens must be ≥ 2, --gen-tokens, --repetitions and --threads ≥ 1.")
        }
    }

    func run() async throws {
        try await CommandErrors.reporting {
            let path = model ?? EmergentPaths().defaultModel.path
            let fileBytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            let note: (String) -> Void = { if !json { Terminal.error($0) } }

            note("Loading \(path) …")
            let loaded = try await Model.load(from: path)
            let options = SessionOptions(
                contextLength: promptTokens + genTokens, threads: threads, fullSlidingWindowCache: false)
            let session = try await InferenceSession(model: loaded, options: options)
            let memory = MemoryFigures(
                peakResidentBytes: SystemMemory.peakResidentBytes ?? 0, fileBytes: fileBytes,
                kvCacheBytes: session.kvCacheBytes)

            let tokenizer = loaded.tokenizer
            var generator = SplitMix64(seed: 42)
            let vocabulary = UInt64(tokenizer.vocabularySize)
            func randomTokens(_ count: Int) -> [Token] {
                var tokens = (0..<count).map { _ in Token(generator.next() % vocabulary) }
                if tokenizer.addsBOS, let bos = tokenizer.bos { tokens[0] = bos }
                return tokens
            }

            // The machine's speed drifts (shared CPUs, turbo, other load). Interleave the two engines round by
            // round so both see the same conditions, and compare medians over all rounds.
            let peerTools = noPeer ? nil : try PeerTools.locate()
            let start = randomTokens(1)
            // One extra token: the timed span then holds exactly genTokens decodes (and genTokens + 1 samplings).
            let generation = GenerationOptions(maxTokens: genTokens + 1, ignoreEndOfGeneration: true)
            var promptRates: [Double] = []
            var generationRates: [Double] = []
            var peerPrompt: [Double] = []
            var peerGeneration: [Double] = []
            var peerBuild = "?"
            for round in 0...repetitions {
                let label = round == 0 ? "warm-up" : "round \(round) of \(repetitions)"
                note("\(label): pp\(promptTokens) and tg\(genTokens), Emergent and llama-bench back to back")
                // Each test runs on both engines back to back, so a pair sees the same machine conditions.
                await session.reset()
                let stats = try await session.prefill(.tokens(randomTokens(promptTokens)))
                let peerPP = try peerTools?.llamaBench(
                    model: path, threads: threads, promptTokens: promptTokens, genTokens: 0)
                await session.reset()
                let completion = try await session.complete(.tokens(start), options: generation)
                let peerTG = try peerTools?.llamaBench(
                    model: path, threads: threads, promptTokens: 0, genTokens: genTokens)
                guard round > 0 else { continue }
                promptRates.append(Double(stats.evaluatedTokens) / stats.seconds)
                generationRates.append(Double(genTokens) / completion.usage.generationSeconds)
                if let peerPP, let peerTG {
                    peerPrompt.append(peerPP.rate)
                    peerGeneration.append(peerTG.rate)
                    peerBuild = peerPP.build
                }
            }
            let peer =
                peerPrompt.isEmpty
                ? nil
                : PeerFigures(
                    promptTokensPerSecond: median(peerPrompt), generationTokensPerSecond: median(peerGeneration),
                    promptSamples: peerPrompt, generationSamples: peerGeneration, build: peerBuild)

            note("Emergent: prefix reuse, 1,000-token session + 20 tokens …")
            let reuse = try await measurePrefixReuse(model: loaded, randomTokens: randomTokens)

            let report = EngineBenchReport(
                model: path, threads: threads, promptTokens: promptTokens, genTokens: genTokens,
                repetitions: repetitions,
                emergent: .init(
                    promptTokensPerSecond: median(promptRates), generationTokensPerSecond: median(generationRates),
                    promptSamples: promptRates, generationSamples: generationRates),
                llamaBench: peer, prefixReuse: reuse, memory: memory)
            if json {
                try printJSON(report)
            } else {
                Terminal.output(report.table)
            }
        }
    }

    private func measurePrefixReuse(model: Model, randomTokens: (Int) -> [Token]) async throws -> PrefixReuseFigures {
        let session = try await InferenceSession(
            model: model, options: SessionOptions(contextLength: 2048, threads: threads))
        let base = randomTokens(1000)
        let extended = base + Array(randomTokens(21).dropFirst())
        var warm: [Double] = []
        var cold: [Double] = []
        var evaluated = 0
        for _ in 0..<3 {
            await session.reset()
            try await session.prefill(.tokens(base))
            let stats = try await session.prefill(.tokens(extended))
            warm.append(stats.seconds)
            evaluated = stats.evaluatedTokens
            await session.reset()
            cold.append(try await session.prefill(.tokens(extended)).seconds)
        }
        return PrefixReuseFigures(
            sessionTokens: base.count, appendedTokens: extended.count - base.count, evaluatedTokens: evaluated,
            warmSeconds: median(warm), coldSeconds: median(cold))
    }
}

func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// A small deterministic random generator, so both sides of a benchmark see comparable token streams.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
