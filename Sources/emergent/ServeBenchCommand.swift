import ArgumentParser
import AsyncHTTPClient
import EmergentCore
import EmergentEngine
import Foundation
import NIOCore
import NIOHTTP1

/// `emergent bench serve`: Emergent's server against llama.cpp's `llama-server`, same model and settings, same load.
struct ServeBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Compare `emergent serve` with llama-server: throughput, TTFT and inter-token latency.",
        discussion: """
            Starts both servers on the same model, threads, per-slot context and slot count, then drives each with \
            the same load: one stream, then N concurrent streams (fixed prompts, --tokens generated each, end of \
            sequence ignored), and a repeated request sharing a 1,000-token prefix. Rounds alternate between the \
            servers; figures are medians over rounds.
            """)

    @Option(name: .long, help: "Path to a GGUF model (default: the installed default model).")
    var model: String?
    @Option(name: .long, help: "Threads for both servers.")
    var threads: Int = SessionOptions.defaultThreads
    @Option(name: .long, help: "Slots (parallel sequences) for both servers.")
    var parallel: Int = 4
    @Option(name: .long, help: "Context per slot.")
    var context: Int = 2048
    @Option(name: .long, help: "Tokens generated per request.")
    var tokens: Int = 128
    @Option(name: .long, help: "Rounds per server.")
    var rounds: Int = 3

    mutating func run() async throws {
        let root = try PeerTools.locateRoot()
        let modelPath = model ?? EmergentPaths().defaultModel.path
        let llamaServer = root.appendingPathComponent(".deps/peers/bin/llama-server").path
        guard FileManager.default.isExecutableFile(atPath: llamaServer) else {
            throw CommandFailure(message: "llama-server is missing: run scripts/setup.sh --peers first.")
        }
        let emergentArguments = [
            "serve", "--model", modelPath, "--port", "0", "--threads", "\(threads)", "--parallel", "\(parallel)",
            "--context", "\(context)", "--name", "bench",
        ]
        let llamaArguments = [
            "-m", modelPath, "--host", "127.0.0.1", "--port", "\(Self.freePort())", "-t", "\(threads)", "-tb",
            "\(threads)", "-np", "\(parallel)", "-c", "\(context * parallel)", "--no-webui", "-b", "512", "-ub", "512",
        ]
        Terminal.error("Starting emergent serve and llama-server (\(parallel) slots, \(threads) threads, context \(context)/slot)…")
        let emergent = try await BenchServer.start(
            executable: CommandLine.arguments[0], arguments: emergentArguments, label: "emergent")
        defer { emergent.stop() }
        let llama = try await BenchServer.start(
            executable: llamaServer, arguments: llamaArguments, label: "llama-server",
            port: Int(llamaArguments[5]))
        defer { llama.stop() }

        let prompts = (0..<parallel).map { "Story \($0 + 1): Once upon a time, in a city by the sea, there lived" }
        var results: [String: [LoadResult]] = ["emergent": [], "llama-server": []]
        for round in 1...rounds {
            for server in [emergent, llama] {
                let single = try await Self.drive(server, prompts: [prompts[0]], tokens: tokens)
                let concurrent = try await Self.drive(server, prompts: prompts, tokens: tokens)
                results[server.label, default: []].append(LoadResult(single: single, concurrent: concurrent))
                Terminal.error(
                    "  round \(round) \(server.label): 1 stream \(Self.fmt(single.tokensPerSecond)) tok/s, "
                        + "\(parallel) streams \(Self.fmt(concurrent.tokensPerSecond)) tok/s, "
                        + "TTFT p50 \(Self.fmt(concurrent.ttftP50 * 1000)) ms")
            }
        }
        let prefix = String(repeating: "The harbour master counted the boats again. ", count: 110)
        var prefixRows: [String] = []
        for server in [emergent, llama] {
            let cold = try await Self.drive(server, prompts: [prefix + "First:"], tokens: 4).ttftP50
            let warm = try await Self.drive(server, prompts: [prefix + "Second:"], tokens: 4).ttftP50
            prefixRows.append(
                "| \(server.label) | \(Self.fmt(cold * 1000)) ms | \(Self.fmt(warm * 1000)) ms | \(Self.fmt(100 * warm / cold))% |")
        }

        // Load test: 64 connections at once, several requests each, against Emergent only.
        let baseline = emergent.residentMiB
        let load = try await Self.loadTest(emergent, connections: 64, requestsEach: 4)
        try await Task.sleep(for: .seconds(2))
        let after = emergent.residentMiB

        func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        }
        let ours = results["emergent"] ?? []
        let theirs = results["llama-server"] ?? []
        func row(_ name: String, _ pick: (LoadResult) -> Double, scale: Double = 1, higherIsBetter: Bool) -> String {
            let a = median(ours.map(pick)) * scale
            let b = median(theirs.map(pick)) * scale
            // Each round ran both servers back to back, so the per-round ratio sees the same machine conditions.
            let paired = median(zip(ours, theirs).compactMap { pick($1) > 0 ? pick($0) / pick($1) : nil })
            return "| \(name) | \(Self.fmt(a)) | \(Self.fmt(b)) | \(Self.fmt(b > 0 ? a / b : 0)) | \(Self.fmt(paired)) |"
        }
        var report = "\n| Metric (median of \(rounds) rounds) | Emergent | llama-server | ratio of medians | median of paired ratios |\n"
        report += "|---|---:|---:|---:|---:|\n"
        report += row("1 stream: generation tok/s", { $0.single.tokensPerSecond }, higherIsBetter: true) + "\n"
        report += row("\(parallel) streams: aggregate tok/s", { $0.concurrent.tokensPerSecond }, higherIsBetter: true) + "\n"
        report += row("\(parallel) streams: TTFT p50 (ms)", { $0.concurrent.ttftP50 }, scale: 1000, higherIsBetter: false) + "\n"
        report += row("\(parallel) streams: TTFT p95 (ms)", { $0.concurrent.ttftP95 }, scale: 1000, higherIsBetter: false) + "\n"
        report += row("1 stream: TTFT p50 (ms)", { $0.single.ttftP50 }, scale: 1000, higherIsBetter: false) + "\n"
        report += row("\(parallel) streams: inter-token p50 (ms)", { $0.concurrent.itlP50 }, scale: 1000, higherIsBetter: false) + "\n"
        report += "\n| 1,000-token shared prefix | cold TTFT | repeated TTFT | repeated / cold |\n|---|---:|---:|---:|\n"
        report += prefixRows.joined(separator: "\n") + "\n"
        report += "\n| Load test (Emergent) | result |\n|---|---|\n"
        report += "| requests (64 connections × 4, 16 tokens each) | \(load.ok) ok, \(load.failed) failed in \(Self.fmt(load.seconds)) s |\n"
        report += "| resident memory before → 2 s after | \(baseline) MiB → \(after) MiB |\n"
        Terminal.output(report)
    }

    /// Fires `requestsEach` short completions on each of `connections` concurrent clients; counts failures.
    static func loadTest(_ server: BenchServer, connections: Int, requestsEach: Int) async throws
        -> (ok: Int, failed: Int, seconds: Double)
    {
        let started = ContinuousClock.now
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: HTTPClient.Configuration(connectionPool: .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)))
        defer { _ = client.shutdown() }
        let outcomes = await withTaskGroup(of: (Int, Int).self) { group in
            for connection in 0..<connections {
                group.addTask {
                    var ok = 0
                    var failed = 0
                    for index in 0..<requestsEach {
                        var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/v1/completions")
                        request.method = .POST
                        request.headers.add(name: "Content-Type", value: "application/json")
                        let body: JSONValue = [
                            "model": "bench", "prompt": .string("Client \(connection), request \(index):"),
                            "max_tokens": 16, "temperature": 0,
                        ]
                        request.body = .bytes(ByteBuffer(string: body.compactJSON))
                        do {
                            let response = try await client.execute(request, timeout: .seconds(300))
                            _ = try await response.body.collect(upTo: 1 << 20)
                            if response.status == .ok { ok += 1 } else { failed += 1 }
                        } catch {
                            failed += 1
                        }
                    }
                    return (ok, failed)
                }
            }
            return await group.reduce(into: (0, 0)) { $0.0 += $1.0; $0.1 += $1.1 }
        }
        return (outcomes.0, outcomes.1, (ContinuousClock.now - started) / .seconds(1))
    }

    static func fmt(_ value: Double) -> String { String(format: value >= 100 ? "%.0f" : "%.2f", value) }

    static func freePort() -> Int { Int.random(in: 20_000..<60_000) }

    /// Streams `prompts` concurrently through `/v1/completions` and times them.
    static func drive(_ server: BenchServer, prompts: [String], tokens: Int) async throws -> LoadStats {
        let started = ContinuousClock.now
        let timings = try await withThrowingTaskGroup(of: StreamTimes.self) { group in
            for prompt in prompts {
                group.addTask { try await stream(server, prompt: prompt, tokens: tokens, started: started) }
            }
            return try await group.reduce(into: [StreamTimes]()) { $0.append($1) }
        }
        let wall = (ContinuousClock.now - started) / .seconds(1)
        return LoadStats(timings: timings, wall: wall)
    }

    static func stream(_ server: BenchServer, prompt: String, tokens: Int, started: ContinuousClock.Instant)
        async throws -> StreamTimes
    {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/v1/completions")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        // A fresh connection per stream: llama-server drops idle keep-alive connections, and a stale pooled one would
        // fail the next request. Both servers pay the same loopback connect.
        request.headers.add(name: "Connection", value: "close")
        let body: JSONValue = [
            "model": "bench", "prompt": .string(prompt), "max_tokens": .int(tokens), "temperature": 0,
            "stream": true, "ignore_eos": true,
        ]
        request.body = .bytes(ByteBuffer(string: body.compactJSON))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(600))
        guard response.status == .ok else {
            throw CommandFailure(message: "\(server.label) answered \(response.status.code) during the benchmark")
        }
        var arrivals: [Double] = []
        var pending = ""
        for try await buffer in response.body {
            pending += String(buffer: buffer)
            while let end = pending.range(of: "\n\n") {
                let event = String(pending[..<end.lowerBound])
                pending.removeSubrange(..<end.upperBound)
                guard event.hasPrefix("data: "), !event.hasPrefix("data: [DONE]") else { continue }
                guard case .array(let choices)? = try? JSONParser.parse(String(event.dropFirst(6)))["choices"],
                    case .string(let text)? = choices.first?["text"], !text.isEmpty
                else { continue }
                arrivals.append((ContinuousClock.now - started) / .seconds(1))
            }
        }
        return StreamTimes(arrivals: arrivals, tokens: tokens)
    }
}

/// When each output chunk of one stream arrived, in seconds from the start of the load.
struct StreamTimes: Sendable {
    var arrivals: [Double]
    var tokens: Int
}

/// One load's figures.
struct LoadStats {
    var tokensPerSecond: Double
    var ttftP50: Double
    var ttftP95: Double
    var itlP50: Double

    init(timings: [StreamTimes], wall: Double) {
        let total = timings.reduce(0) { $0 + $1.tokens }
        tokensPerSecond = wall > 0 ? Double(total) / wall : 0
        let firsts = timings.compactMap(\.arrivals.first).sorted()
        ttftP50 = firsts.isEmpty ? 0 : firsts[firsts.count / 2]
        ttftP95 = firsts.isEmpty ? 0 : firsts[min(firsts.count - 1, Int(Double(firsts.count) * 0.95))]
        let gaps = timings.flatMap { times in zip(times.arrivals.dropFirst(), times.arrivals).map { $0 - $1 } }.sorted()
        itlP50 = gaps.isEmpty ? 0 : gaps[gaps.count / 2]
    }
}

struct LoadResult {
    var single: LoadStats
    var concurrent: LoadStats
}

/// A server process started for the benchmark, stopped with SIGTERM (then SIGKILL).
final class BenchServer: Sendable {
    let label: String
    let port: Int
    private let process: Process

    private init(label: String, port: Int, process: Process) {
        self.label = label
        self.port = port
        self.process = process
    }

    static func start(executable: String, arguments: [String], label: String, port: Int? = nil) async throws
        -> BenchServer
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("emergent-bench-\(label).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw CommandFailure(message: "\(label) exited during start-up; see \(log.path)")
            }
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let port {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/health")
                request.method = .GET
                if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)),
                    response.status == .ok
                {
                    return BenchServer(label: label, port: port, process: process)
                }
            } else if let range = text.range(of: #"listening on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression),
                let found = Int(text[range].split(separator: ":").last ?? "")
            {
                return BenchServer(label: label, port: found, process: process)
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        process.terminate()
        throw CommandFailure(message: "\(label) did not start within 120 s; see \(log.path)")
    }

    /// The process's resident set size (`VmRSS`), in MiB.
    var residentMiB: Int {
        guard let text = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return 0 }
        return kib / 1024
    }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(15)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
