import EmergentCore
import EmergentModels
import EmergentPlatform
import Foundation
import NIOHTTP1
import Testing

@Suite("Web UI in headless Chromium", .serialized)
struct WebUITests {
    /// Answers like a model that uses Python for arithmetic: a python call first, then the answer from its output.
    static let model = ScriptedModel { _, request in
        guard let last = request.messages.last else { return nil }
        if last.role == .tool {
            // The observation also lists the chart; the printed number is what the answer needs.
            let value = last.content.contains("42") ? "42" : last.content
            return .text("The answer is \(value). I computed it with **Python**.", pause: .milliseconds(40))
        }
        let code = "import matplotlib.pyplot as plt\nplt.bar(['six', 'seven'], [6, 7])\nplt.show()\nprint(6 * 7)"
        return .toolCall("python", JSONValue.object(["code": .string(code)]).compactJSON, text: "Let me compute that.")
    }

    @Test("create an agent through the form, chat with it, see the streamed answer and a tool card (screenshots saved)")
    func browserFlow() async throws {
        let python = URL(fileURLWithPath: ".deps/browser-venv/bin/python")
        try #require(
            FileManager.default.isExecutableFile(atPath: python.path),
            "run scripts/setup.sh --peers to install chromium, chromium-driver and selenium")
        let live = try await PlatformServer.start(models: ["scripted": Self.model])
        defer { Task { await live.stop() } }
        if ProcessInfo.processInfo.environment["EMERGENT_UI_HOLD"] == "1" {
            // For working on the UI by hand: the server stays up for 30 minutes.
            print("UI dev server: \(live.base)/#key=\(PlatformServer.adminKey)")
            try await Task.sleep(for: .seconds(1800))
        }
        let out = URL(fileURLWithPath: ".build/test-output/web-ui", isDirectory: true)
        try? FileManager.default.removeItem(at: out)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = python
        process.arguments = [
            "Tests/Browser/ui_check.py", "--url", live.base, "--key", PlatformServer.adminKey, "--out", out.path,
            "--model", "scripted",
        ]
        let log = out.appendingPathComponent("ui_check.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        print(text)
        #expect(process.terminationStatus == 0, "\(text)")
        for name in ["builder.png", "chat.png"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: out.appendingPathComponent(name).path)[.size] as? Int) ?? 0
            #expect(size > 10_000, "\(name) is missing or empty")
        }
        // The agent the form made is really stored, with python on.
        let agents = try await live.send("/v1/agents", method: .GET)
        #expect(agents.json["data"]?.arrayValue?.contains { $0["definition"]?["tools"]?["python"] != nil } == true)
    }
}
