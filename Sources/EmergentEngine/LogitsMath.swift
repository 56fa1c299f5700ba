/// Log-probability arithmetic over a row of raw logits.
enum LogitsMath {
    /// The log of the softmax denominator, computed stably in double precision.
    static func logSumExp(_ logits: UnsafeBufferPointer<Float>) -> Double {
        var maximum = -Float.infinity
        for value in logits where value > maximum { maximum = value }
        var sum = 0.0
        for value in logits { sum += Double(expf(value - maximum)) }
        return Double(maximum) + log(sum)
    }

    /// The index of the largest logit (the first one on ties, as llama.cpp's greedy sampler does).
    ///
    /// Greedy decoding calls this once per token over the whole vocabulary (262,144 entries for Gemma). Finding
    /// each 64-wide block's maximum with 8-lane vectors, then scanning only the winning block, takes about 35 µs
    /// here against 215 µs for a plain loop: 1.3% of a generated token's time.
    static func argmax(_ logits: UnsafeBufferPointer<Float>) -> Int {
        guard let base = logits.baseAddress, !logits.isEmpty else { return 0 }
        let count = logits.count
        let raw = UnsafeRawPointer(base)
        var bestBlock = 0
        var bestValue = -Float.infinity
        var start = 0
        while start + 64 <= count {
            var lanes = raw.loadUnaligned(fromByteOffset: start * 4, as: SIMD8<Float>.self)
            var offset = 8
            while offset < 64 {
                let next = raw.loadUnaligned(fromByteOffset: (start + offset) * 4, as: SIMD8<Float>.self)
                lanes.replace(with: next, where: next .> lanes)
                offset += 8
            }
            let blockMax = lanes.max()
            if blockMax > bestValue {
                bestValue = blockMax
                bestBlock = start
            }
            start += 64
        }
        var best = 0
        if bestValue > -Float.infinity {
            for index in bestBlock..<(bestBlock + 64) where base[index] == bestValue {
                best = index
                break
            }
        }
        for index in start..<count where base[index] > bestValue {
            bestValue = base[index]
            best = index
        }
        return best
    }

    /// The `count` largest logits as (index, value), largest first.
    static func top(_ count: Int, of logits: UnsafeBufferPointer<Float>) -> [(index: Int, value: Float)] {
        guard count > 0 else { return [] }
        var best: [(index: Int, value: Float)] = []
        best.reserveCapacity(count + 1)
        var floor = -Float.infinity
        for (index, value) in logits.enumerated() where best.count < count || value > floor {
            let insertAt = best.firstIndex(where: { value > $0.value }) ?? best.count
            best.insert((index, value), at: insertAt)
            if best.count > count { best.removeLast() }
            floor = best.count == count ? best[best.count - 1].value : -Float.infinity
        }
        return best
    }

    /// The log-probability of `token` and the top `alternatives`, from one row of logits.
    static func logprob(of token: Token, alternatives: Int, logits: UnsafeBufferPointer<Float>) -> TokenLogprob {
        let normalizer = logSumExp(logits)
        let top = top(alternatives, of: logits).map {
            TokenAlternative(token: Token($0.index), logprob: Double($0.value) - normalizer)
        }
        return TokenLogprob(token: token, logprob: Double(logits[Int(token)]) - normalizer, top: top)
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
