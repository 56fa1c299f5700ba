import EmergentCore
import Foundation
import Testing
@testable import EmergentEval

/// The sandbox: state across turns, limits, no network, isolation from the host and between episodes.
@Suite struct OSSandboxTests {
    static func task(_ description: String = "sandbox test", initCode: String? = nil) throws -> EvalTask {
        let os = OSTask(description: description, initScripts: initCode.map { [OSScript(code: $0)] } ?? [],
                        evaluation: OSEvaluation(match: OSMatch(answer: "x")))
        return try os.evalTask(id: "os-sandbox-test")
    }

    static func bash(_ code: String) -> AgentAction {
        .text("Think: run it.\n\nAct: bash\n\n```bash\n\(code)\n```")
    }

    @Test func shellKeepsStateAcrossTurns() async throws {
        let env = OSEnvironment()
        let episode = try await env.makeEpisode(for: try Self.task(), mode: .text)
        defer { Task { await episode.close() } }
        _ = try await episode.start()
        _ = try await episode.step(Self.bash("cd /tmp; export GREETING=hello; (while true; do echo tick >> /root/ticks; sleep 0.2; done) &"))
        try await Task.sleep(for: .milliseconds(700))
        let out = try await episode.step(Self.bash("echo \"$(pwd) $GREETING $(id -u) $(hostname)\"; test -s /root/ticks && echo ticking"))
        #expect(out.observation == "The output of the OS:\n\n/tmp hello 0 emergent-os\nticking")
        let empty = try await episode.step(Self.bash("true"))
        #expect(empty.observation == "The output of the OS is empty.")
        await episode.close()
    }

    @Test func longCommandIsInterruptedAndHugeOutputTruncated() async throws {
        let env = OSEnvironment(limits: OSSandboxLimits(commandTimeout: 1.5))
        let episode = try await env.makeEpisode(for: try Self.task(), mode: .text)
        _ = try await episode.start()
        let clock = ContinuousClock()
        let began = clock.now
        let slow = try await episode.step(Self.bash("echo before; sleep 1000; echo not-reached"))
        #expect(clock.now - began < .seconds(6))
        #expect(slow.observation.contains("before"))
        #expect(slow.observation.contains("[the command ran longer than 1.5 s and was interrupted]"))
        #expect(!slow.done)
        let loop = try await episode.step(Self.bash("while true; do :; done"))
        #expect(loop.observation.contains("interrupted"))
        let after = try await episode.step(Self.bash("echo alive"))
        #expect(after.observation == "The output of the OS:\n\nalive")
        let huge = try await episode.step(Self.bash("yes 0123456789 | head -c 200000"))
        #expect(huge.observation.hasSuffix("\n[truncated because the output is too long]"))
        #expect(huge.observation.count < 900)
        let infinite = try await episode.step(Self.bash("yes"))
        #expect(infinite.observation.contains("[truncated because the output is too long]"))
        let still = try await episode.step(Self.bash("echo ok"))
        #expect(still.observation == "The output of the OS:\n\nok")
        await episode.close()
    }
    @Test func commandsThatIgnoreInterruptsAreKilled() async throws {
        let env = OSEnvironment(limits: OSSandboxLimits(commandTimeout: 1))
        let episode = try await env.makeEpisode(for: try Self.task(), mode: .text)
        _ = try await episode.start()
        _ = try await episode.step(Self.bash("sleep 300 &\ncd /tmp; X=kept"))
        let stubborn = try await episode.step(Self.bash(
            "python3 -c 'import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); time.sleep(100)'; echo next"))
        #expect(stubborn.observation.contains("interrupted"))
        let state = try await episode.step(Self.bash("echo $X $(pwd); pgrep -c -x sleep"))
        #expect(state.observation == "The output of the OS:\n\nkept /tmp\n1")
        let shellLoop = try await episode.step(Self.bash("trap '' INT; while true; do :; done"))
        #expect(shellLoop.observation.contains("a new shell was started"))
        let after = try await episode.step(Self.bash("echo fresh $(pwd); pgrep -c -x sleep"))
        #expect(after.observation == "The output of the OS:\n\nfresh /root\n1")
        await episode.close()
    }
}
