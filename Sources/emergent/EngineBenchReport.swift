import Foundation

/// Speeds measured through Emergent's engine.
struct EngineFigures: Encodable {
    var promptTokensPerSecond: Double
    var generationTokensPerSecond: Double
    var promptSamples: [Double]
    var generationSamples: [Double]
}

/// Speeds reported by llama-bench.
struct PeerFigures: Encodable {
    var promptTokensPerSecond: Double
    var generationTokensPerSecond: Double
    var promptSamples: [Double]
    var generationSamples: [Double]
    var build: String
}

/// Prefix reuse: appending to a cached session versus evaluating everything.
struct PrefixReuseFigures: Encodable {
    var sessionTokens: Int
    var appendedTokens: Int
    var evaluatedTokens: Int
    var warmSeconds: Double
    var coldSeconds: Double
    let speedup: Double

    init(sessionTokens: Int, appendedTokens: Int, evaluatedTokens: Int, warmSeconds: Double, coldSeconds: Double) {
        self.sessionTokens = sessionTokens
        self.appendedTokens = appendedTokens
        self.evaluatedTokens = evaluatedTokens
        self.warmSeconds = warmSeconds
        self.coldSeconds = coldSeconds
        speedup = coldSeconds / max(warmSeconds, 1e-9)
    }
}

/// Peak memory after loading the model and creating one context, against the target of file + KV cache + 150 MiB.
struct MemoryFigures: Encodable {
    var peakResidentBytes: Int
    var fileBytes: Int
    var kvCacheBytes: Int
    let budgetBytes: Int

    init(peakResidentBytes: Int, fileBytes: Int, kvCacheBytes: Int) {
        self.peakResidentBytes = peakResidentBytes
        self.fileBytes = fileBytes
        self.kvCacheBytes = kvCacheBytes
        budgetBytes = fileBytes + kvCacheBytes + 150 * 1_048_576
    }
}

/// Everything `emergent bench engine` measured.
struct EngineBenchReport: Encodable {
    var model: String
    var threads: Int
    var promptTokens: Int
    var genTokens: Int
    var repetitions: Int
    var emergent: EngineFigures
    var llamaBench: PeerFigures?
    var prefixReuse: PrefixReuseFigures
    var memory: MemoryFigures

    /// Median of the per-round ratios: each round runs both engines back to back, so pairing them cancels most of
    /// the machine's drift between rounds.
    static func pairedRatio(_ ours: [Double], _ theirs: [Double]) -> Double? {
        let ratios = zip(ours, theirs).compactMap { $1 > 0 ? $0 / $1 : nil }
        return ratios.isEmpty ? nil : median(ratios)
    }

    var promptRatio: Double? { llamaBench.flatMap { Self.pairedRatio(emergent.promptSamples, $0.promptSamples) } }
    var generationRatio: Double? {
        llamaBench.flatMap { Self.pairedRatio(emergent.generationSamples, $0.generationSamples) }
    }

    enum CodingKeys: String, CodingKey {
        case model, threads, promptTokens, genTokens, repetitions, emergent, llamaBench, prefixReuse, memory,
            promptRatio,
            generationRatio
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model, forKey: .model)
        try container.encode(threads, forKey: .threads)
        try container.encode(promptTokens, forKey: .promptTokens)
        try container.encode(genTokens, forKey: .genTokens)
        try container.encode(repetitions, forKey: .repetitions)
        try container.encode(emergent, forKey: .emergent)
        try container.encodeIfPresent(llamaBench, forKey: .llamaBench)
        try container.encode(prefixReuse, forKey: .prefixReuse)
        try container.encode(memory, forKey: .memory)
        try container.encodeIfPresent(promptRatio, forKey: .promptRatio)
        try container.encodeIfPresent(generationRatio, forKey: .generationRatio)
    }

    var table: String {
        func rate(_ value: Double) -> String { String(format: "%8.1f tok/s", value) }
        func ratio(_ value: Double?) -> String {
            guard let value else { return "      -" }
            return String(format: "%6.3f %@", value, value >= 0.98 ? "✓" : "✗")
        }
        let mib = { (bytes: Int) in String(format: "%.0f MiB", Double(bytes) / 1_048_576) }
        var lines = [
            "",
            "Engine benchmark · \(URL(fileURLWithPath: model).lastPathComponent) · \(threads) threads · medians of \(repetitions)",
            "",
            "test          Emergent            llama-bench         ratio: median of paired rounds (target ≥ 0.98)",
            "pp\(promptTokens)".padding(toLength: 14, withPad: " ", startingAt: 0)
                + rate(emergent.promptTokensPerSecond) + "    "
                + (llamaBench.map { rate($0.promptTokensPerSecond) } ?? "         -    ") + "    "
                + ratio(promptRatio),
            "tg\(genTokens)".padding(toLength: 14, withPad: " ", startingAt: 0)
                + rate(emergent.generationTokensPerSecond) + "    "
                + (llamaBench.map { rate($0.generationTokensPerSecond) } ?? "         -    ") + "    "
                + ratio(generationRatio),
            "",
            String(
                format:
                    "prefix reuse  %d-token session + %d tokens: evaluated %d (target ≤ 25) %@, %.1f ms vs %.1f ms cold = %.1f× (target ≥ 10×) %@",
                prefixReuse.sessionTokens, prefixReuse.appendedTokens, prefixReuse.evaluatedTokens,
                prefixReuse.evaluatedTokens <= 25 ? "✓" : "✗", prefixReuse.warmSeconds * 1000,
                prefixReuse.coldSeconds * 1000, prefixReuse.speedup, prefixReuse.speedup >= 10 ? "✓" : "✗"),
            "memory        peak RSS \(mib(memory.peakResidentBytes)) after load; budget file \(mib(memory.fileBytes)) + KV \(mib(memory.kvCacheBytes)) + 150 MiB = \(mib(memory.budgetBytes)) "
                + (memory.peakResidentBytes <= memory.budgetBytes ? "✓" : "✗"),
        ]
        if let llamaBench { lines.append("peer          llama-bench build \(llamaBench.build)") }
        return lines.joined(separator: "\n") + "\n"
    }
}
