import Foundation

/// A Prometheus histogram with fixed buckets (upper bounds in seconds).
struct Histogram: Sendable {
    let bounds: [Double]
    private(set) var counts: [Int]
    private(set) var sum = 0.0
    private(set) var count = 0

    init(bounds: [Double]) {
        self.bounds = bounds
        counts = Array(repeating: 0, count: bounds.count)
    }

    mutating func observe(_ value: Double) {
        for (index, bound) in bounds.enumerated() where value <= bound { counts[index] += 1 }
        sum += value
        count += 1
    }

    func render(_ name: String, labels: String = "", into output: inout String) {
        let separator = labels.isEmpty ? "" : ","
        for (index, bound) in bounds.enumerated() {
            output += "\(name)_bucket{\(labels)\(separator)le=\"\(bound)\"} \(counts[index])\n"
        }
        output += "\(name)_bucket{\(labels)\(separator)le=\"+Inf\"} \(count)\n"
        let braces = labels.isEmpty ? "" : "{\(labels)}"
        output += "\(name)_sum\(braces) \(sum)\n\(name)_count\(braces) \(count)\n"
    }
}

/// The server's counters, gauges and histograms, rendered in Prometheus' text format at `/metrics`.
public actor ServerMetrics {
    private struct RouteStatus: Hashable {
        var route: String
        var status: Int
    }

    private var requests: [RouteStatus: Int] = [:]
    private var promptTokens = 0
    private var cachedTokens = 0
    private var generatedTokens = 0
    private var active = 0
    private var timeToFirstToken = Histogram(bounds: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60])
    private var interTokenLatency = Histogram(bounds: [0.002, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.5])

    public init() {}

    func recordRequest(route: String, status: Int) {
        requests[RouteStatus(route: route, status: status), default: 0] += 1
    }

    func began() { active += 1 }
    func ended() { active -= 1 }

    func recordUsage(prompt: Int, cached: Int, generated: Int) {
        promptTokens += prompt
        cachedTokens += cached
        generatedTokens += generated
    }

    func recordFirstToken(after seconds: Double) { timeToFirstToken.observe(seconds) }

    /// Gaps between consecutive output chunks of one stream.
    func recordInterTokenLatency(_ gaps: [Double]) {
        for gap in gaps { interTokenLatency.observe(gap) }
    }

    /// Requests answered so far with `status` on `route` (for tests and logs).
    func requestCount(route: String, status: Int) -> Int { requests[RouteStatus(route: route, status: status)] ?? 0 }

    /// The text format, with engine gauges supplied by the caller (they are read live, not stored).
    func render(engines: [(model: String, slots: Int, busy: Int, queued: Int)]) -> String {
        var output = ""
        output += "# HELP emergent_requests_total HTTP requests by route and status.\n"
        output += "# TYPE emergent_requests_total counter\n"
        for (key, count) in requests.sorted(by: { ($0.key.route, $0.key.status) < ($1.key.route, $1.key.status) }) {
            output += "emergent_requests_total{route=\"\(key.route)\",status=\"\(key.status)\"} \(count)\n"
        }
        func counter(_ name: String, _ help: String, _ value: Int) {
            output += "# HELP \(name) \(help)\n# TYPE \(name) counter\n\(name) \(value)\n"
        }
        counter("emergent_prompt_tokens_total", "Prompt tokens received.", promptTokens)
        counter("emergent_cached_prompt_tokens_total", "Prompt tokens served from the prefix cache.", cachedTokens)
        counter("emergent_generated_tokens_total", "Tokens generated.", generatedTokens)
        output += "# HELP emergent_time_to_first_token_seconds Time from request to first output token.\n"
        output += "# TYPE emergent_time_to_first_token_seconds histogram\n"
        timeToFirstToken.render("emergent_time_to_first_token_seconds", into: &output)
        output += "# HELP emergent_inter_token_latency_seconds Time between consecutive streamed tokens.\n"
        output += "# TYPE emergent_inter_token_latency_seconds histogram\n"
        interTokenLatency.render("emergent_inter_token_latency_seconds", into: &output)
        output += "# HELP emergent_requests_active Requests being answered.\n# TYPE emergent_requests_active gauge\n"
        output += "emergent_requests_active \(active)\n"
        output += "# HELP emergent_requests_queued Requests waiting for a slot.\n# TYPE emergent_requests_queued gauge\n"
        for engine in engines { output += "emergent_requests_queued{model=\"\(engine.model)\"} \(engine.queued)\n" }
        output += "# HELP emergent_slots_busy Slots decoding a request.\n# TYPE emergent_slots_busy gauge\n"
        for engine in engines { output += "emergent_slots_busy{model=\"\(engine.model)\"} \(engine.busy)\n" }
        output += "# HELP emergent_slots_total Slots configured.\n# TYPE emergent_slots_total gauge\n"
        for engine in engines { output += "emergent_slots_total{model=\"\(engine.model)\"} \(engine.slots)\n" }
        return output
    }
}
