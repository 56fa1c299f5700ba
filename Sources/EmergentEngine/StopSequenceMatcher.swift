/// Finds stop strings in streamed text, across token boundaries, and keeps them out of the output.
///
/// Text that could be the start of a stop string is held back until it either completes the stop string (the
/// generation ends there) or turns out not to (it is released).
public struct StopSequenceMatcher: Sendable {
    private let stops: [[UInt8]]
    private var pending: [UInt8] = []

    /// - Parameter stops: the stop strings; empty strings are ignored.
    public init(stops: [String]) {
        self.stops = stops.filter { !$0.isEmpty }.map { Array($0.utf8) }
    }

    /// The result of feeding more text.
    public struct Step: Sendable, Equatable {
        /// Text safe to emit now.
        public var text: String
        /// The stop string that was found, if any; nothing after it is emitted.
        public var stop: String?
    }

    /// Adds text and returns what can be emitted, and the stop string if one completed.
    public mutating func append(_ text: String) -> Step {
        guard !stops.isEmpty else { return Step(text: text, stop: nil) }
        pending.append(contentsOf: text.utf8)
        // The earliest complete match wins; on a tie, the longer stop string.
        var best: (start: Int, stop: [UInt8])?
        for stop in stops {
            if let start = Self.firstIndex(of: stop, in: pending), start < (best?.start ?? Int.max) {
                best = (start, stop)
            }
        }
        if let best {
            let emitted = String(decoding: pending[0..<best.start], as: UTF8.self)
            pending.removeAll()
            return Step(text: emitted, stop: String(decoding: best.stop, as: UTF8.self))
        }
        let held = longestSuffixThatStartsAStop()
        let releaseCount = pending.count - held
        let emitted = String(decoding: pending[0..<releaseCount], as: UTF8.self)
        pending.removeFirst(releaseCount)
        return Step(text: emitted, stop: nil)
    }

    /// Releases any held-back text (call when generation ends for another reason).
    public mutating func flush() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    private func longestSuffixThatStartsAStop() -> Int {
        var longest = 0
        for stop in stops {
            let limit = min(stop.count - 1, pending.count)
            var length = limit
            while length > longest {
                if pending[(pending.count - length)...].elementsEqual(stop[0..<length]) {
                    longest = length
                    break
                }
                length -= 1
            }
        }
        return longest
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        for start in 0...(haystack.count - needle.count)
        where haystack[start] == needle[0] && haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }
}
