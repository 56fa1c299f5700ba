import ArgumentParser
import EmergentCore
import EmergentTools
import Foundation

/// `emergent bench sandbox`: the python tool's sandbox against a Jupyter kernel (ipykernel + jupyter_client).
struct SandboxBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Measure the Python sandbox's start-up and round trips next to a Jupyter kernel.",
        discussion: """
            For each repetition: a cold start (spawn to ready, no modules preloaded), the median round trip of \
            `1+1` in a started interpreter, and a session of 10 small cells (total). The same three are measured \
            for a Jupyter kernel started with jupyter_client's start_new_kernel from the sandbox venv (the kernel \
            runs unsandboxed). Also the first call of a new conversation served from the warm pool, and a cold \
            start that also imports numpy, pandas and matplotlib (the work the warm pool does ahead of time). \
            Figures are medians over repetitions.
            """
    )

    @Option(name: .long, help: "Measured repetitions for each side.")
    var repetitions: Int = 7

    @Option(name: .long, help: "`1+1` round trips per repetition (their median is that repetition's figure).")
    var roundTrips: Int = 20

    @Option(name: .long, help: "The sandbox venv (default: $EMERGENT_SANDBOX_VENV or .deps/sandbox-venv).")
    var venv: String?

    @Flag(name: .long, help: "Skip the Jupyter kernel.")
    var noPeer = false

    @Flag(name: .long, help: "Print one JSON object instead of a table.")
    var json = false

    static let sessionCells = [
        "a = 1", "b = a + 1", "c = [i * i for i in range(100)]", "sum(c)", "import math", "math.sqrt(b)",
        "d = {'k': b}", "d['k']", "s = 'x' * 10", "len(s)",
    ]

    func validate() throws {
        guard repetitions >= 1, roundTrips >= 1 else {
            throw ValidationError("--repetitions and --round-trips must be ≥ 1.")
        }
    }

    func run() async throws {
        do {
            try await measure()
        } catch let error as PythonSandboxError {
            Terminal.error("error: \(error.description)")
            throw ExitCode(1)
        }
    }

    private func measure() async throws {
        let environment = try PythonEnvironment.locate(virtualEnvironment: venv.map { URL(fileURLWithPath: $0) })
        let note: (String) -> Void = { if !json { Terminal.error($0) } }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "emergent-bench-sandbox-\(getpid())", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let configuration = PythonSandboxConfiguration(
            warmPoolSize: 0, preloadModules: [],
            stagingDirectory: scratch.appendingPathComponent("staging", isDirectory: true))

        note("Measuring the sandbox (\(repetitions) repetitions)…")
        var cold: [Double] = []
        var warm: [Double] = []
        var session: [Double] = []
        var coldWithImports: [Double] = []
        for round in 0..<repetitions {
            let folder = scratch.appendingPathComponent("cold-\(round)", isDirectory: true)
            var started = ContinuousClock.now
            let sandbox = try await PythonSandbox.start(
                environment: environment, configuration: configuration, workDirectory: folder)
            cold.append(milliseconds(since: started))
            _ = try await sandbox.execute("1+1", timeout: .seconds(30))
            var trips: [Double] = []
            for _ in 0..<roundTrips {
                started = ContinuousClock.now
                let result = try await sandbox.execute("1+1", timeout: .seconds(30))
                trips.append(milliseconds(since: started))
                guard result.output == "2\n" else { throw ValidationError("unexpected output \(result.output)") }
            }
            warm.append(median(trips))
            started = ContinuousClock.now
            for cell in Self.sessionCells { _ = try await sandbox.execute(cell, timeout: .seconds(30)) }
            session.append(milliseconds(since: started))
            await sandbox.terminate()

            started = ContinuousClock.now
            let preloaded = try await PythonSandbox.start(
                environment: environment, configuration: configuration,
                workDirectory: scratch.appendingPathComponent("preloaded-\(round)", isDirectory: true))
            try await preloaded.preload(PythonSandboxConfiguration().preloadModules, timeout: .seconds(120))
            coldWithImports.append(milliseconds(since: started))
            await preloaded.terminate()
        }

        note("Measuring the first call of a new conversation served from the warm pool…")
        var prestarted: [Double] = []
        let pool = PythonSandboxPool(
            environment: environment,
            configuration: PythonSandboxConfiguration(
                warmPoolSize: 1, stagingDirectory: scratch.appendingPathComponent("staging", isDirectory: true)))
        let tool = PythonTool(pool: pool)
        for round in 0..<repetitions {
            try await pool.waitUntilWarm()
            let context = ToolContext(
                conversationID: "bench-\(round)", runID: "bench",
                workDirectory: scratch.appendingPathComponent("warm-\(round)", isDirectory: true),
                sources: SourceRegistry())
            let started = ContinuousClock.now
            _ = try await tool.call(["code": "1+1"], context: context)
            prestarted.append(milliseconds(since: started))
            await pool.end(conversationID: context.conversationID)
        }
        await pool.shutdown()

        var figures: [(String, Double)] = [
            ("cold_start_ms", median(cold)), ("warm_exec_ms", median(warm)),
            ("session_10_calls_ms", median(session)), ("prestarted_first_call_ms", median(prestarted)),
            ("cold_start_with_imports_ms", median(coldWithImports)),
        ]
        var jupyter: [String: Double] = [:]
        if !noPeer {
            note("Measuring a Jupyter kernel (\(repetitions) repetitions)…")
            jupyter = try await jupyterFigures(python: environment.virtualEnvironment.appendingPathComponent("bin/python"))
            for key in ["cold_start_ms", "warm_exec_ms", "session_10_calls_ms"] {
                let theirs = jupyter[key] ?? 0
                figures.append(("jupyter_\(key)", theirs))
            }
            let ours = Dictionary(uniqueKeysWithValues: figures)
            for key in ["cold_start_ms", "warm_exec_ms", "session_10_calls_ms"] {
                let theirs = jupyter[key] ?? 0
                let ratio = theirs > 0 ? (ours[key] ?? 0) / theirs : 0
                figures.append(("\(key.replacingOccurrences(of: "_ms", with: ""))_ratio_vs_jupyter", ratio))
            }
        }

        if json {
            var object = JSONObject()
            object["repetitions"] = .int(repetitions)
            object["round_trips_per_repetition"] = .int(roundTrips)
            for (key, value) in figures { object[key] = .double((value * 1000).rounded() / 1000) }
            Terminal.output(JSONValue.object(object).compactJSON + "\n")
            return
        }
        let lookup = Dictionary(uniqueKeysWithValues: figures)
        func cell(_ key: String) -> String { lookup[key].map { String(format: "%.1f", $0) } ?? "–" }
        func ratio(_ key: String) -> String {
            lookup["\(key)_ratio_vs_jupyter"].map { String(format: "%.2f×", $0) } ?? "–"
        }
        var report = "\n| Figure (median of \(repetitions)) | Sandbox (ms) | Jupyter kernel (ms) | ratio |\n"
        report += "|---|---:|---:|---:|\n"
        report += "| cold start (spawn to ready) | \(cell("cold_start_ms")) | \(cell("jupyter_cold_start_ms")) | \(ratio("cold_start")) |\n"
        report += "| warm exec round trip (`1+1`) | \(cell("warm_exec_ms")) | \(cell("jupyter_warm_exec_ms")) | \(ratio("warm_exec")) |\n"
        report += "| session of 10 small cells | \(cell("session_10_calls_ms")) | \(cell("jupyter_session_10_calls_ms")) | \(ratio("session_10_calls")) |\n"
        report += "| first call of a new conversation, warm pool | \(cell("prestarted_first_call_ms")) | – | – |\n"
        report += "| cold start + importing numpy, pandas, matplotlib (what the pool hides) | \(cell("cold_start_with_imports_ms")) | – | – |\n"
        Terminal.output(report)
    }

    private func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }

    private func jupyterFigures(python: URL) async throws -> [String: Double] {
        let process = Process()
        process.executableURL = python
        let cells = JSONValue.array(Self.sessionCells.map { .string($0) }).compactJSON
        process.arguments = ["-c", Self.jupyterScript, String(repetitions), String(roundTrips), cells]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let finished = AsyncStream<Void>.makeStream()
        process.terminationHandler = { _ in
            finished.continuation.yield()
            finished.continuation.finish()
        }
        try process.run()
        let collected = Task.detached { output.fileHandleForReading.readDataToEndOfFile() }
        let errorText = Task.detached { errors.fileHandleForReading.readDataToEndOfFile() }
        for await _ in finished.stream {}
        let data = await collected.value
        let errorData = await errorText.value
        guard process.terminationStatus == 0 else {
            throw ValidationError(
                "the Jupyter kernel benchmark failed (is ipykernel installed in the sandbox venv? run "
                    + "scripts/setup.sh): \(String(decoding: errorData, as: UTF8.self).suffix(800))")
        }
        let parsed = try JSONParser.parse(String(decoding: data, as: UTF8.self))
        var figures: [String: Double] = [:]
        for key in ["cold_start_ms", "warm_exec_ms", "session_10_calls_ms"] {
            figures[key] = parsed[key]?.doubleValue
        }
        return figures
    }

    static let jupyterScript = #"""
import json, statistics, sys, time
from jupyter_client.manager import start_new_kernel

repetitions, round_trips, cells = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])

def execute(client, code):
    reply = client.execute_interactive(code, timeout=60, output_hook=lambda message: None)
    if reply["content"]["status"] != "ok":
        raise RuntimeError("cell failed: %r" % (reply["content"],))

cold, warm, session = [], [], []
for _ in range(repetitions):
    started = time.perf_counter()
    manager, client = start_new_kernel(kernel_name="python3")
    cold.append((time.perf_counter() - started) * 1000)
    try:
        execute(client, "1+1")
        trips = []
        for _ in range(round_trips):
            started = time.perf_counter()
            execute(client, "1+1")
            trips.append((time.perf_counter() - started) * 1000)
        warm.append(statistics.median(trips))
        started = time.perf_counter()
        for cell in cells:
            execute(client, cell)
        session.append((time.perf_counter() - started) * 1000)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)

print(json.dumps({
    "cold_start_ms": statistics.median(cold),
    "warm_exec_ms": statistics.median(warm),
    "session_10_calls_ms": statistics.median(session),
}))
"""#
}
