import EmergentAgents
import EmergentCore
import EmergentModels
import EmergentTools
import Foundation
import Logging
import Testing

/// The two reference tasks, end to end: a scripted model (which reads the observations it is sent, as a model
/// would) drives real tools — the bubblewrap Python sandbox and the browser over a local fixture site.
@Suite("All Tools reference tasks (scripted model, real tools)", .serialized)
struct AllToolsTaskTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let site = repositoryRoot.appendingPathComponent("Tests/EmergentToolsTests/Fixtures/site")
    let logger = Logger(label: "test.all-tools")

    /// The text of the last tool message in a request.
    static func lastObservation(_ request: ChatRequest) -> String {
        request.messages.last { $0.role == .tool }?.content ?? ""
    }

    static func firstMatch(_ pattern: String, in text: String) -> [String]? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
        else { return nil }
        return (0..<match.numberOfRanges).compactMap { Range(match.range(at: $0), in: text).map { String(text[$0]) } }
    }

    @Test("polynomial division: the model writes sympy code, the sandbox solves it, the answer carries a and b")
    func polynomialDivision() async throws {
        let code = """
            import sympy as sp
            x, a = sp.symbols('x a')
            quotient, remainder = sp.div(x**3 + a*x**2 - 5*x + 9, x + 4, x)
            a_value = sp.solve(sp.Eq(remainder, 13), a)[0]
            q = sp.expand(quotient.subs(a, a_value))
            b_value = q.coeff(x, 1)
            print(f"a = {a_value}, b = {b_value}, quotient = {q}")
            """
        let model = ScriptedModel { index, request in
            switch index {
            case 0:
                return .toolCall("python", JSONValue.object(["code": .string(code)]).compactJSON,
                                 text: "I will divide with sympy and match the remainder.")
            case 1:
                let output = Self.lastObservation(request)
                guard let found = Self.firstMatch(#"a = (-?\d+), b = (-?\d+)"#, in: output) else {
                    return .text("The computation failed: \(output)")
                }
                return .text("Dividing by x + 4 leaves remainder 16a − 35, so a = \(found[1]); then the quotient "
                    + "is x² + (a − 4)x + (11 − 4a), so b = \(found[2]).")
            default: return nil
            }
        }
        let definition = AgentDefinition(name: "math", tools: ["python": .object(["timeout_seconds": 60])])
        let toolkit = try await AgentToolkit.build(
            definition, baseDirectory: Self.repositoryRoot, paths: EmergentPaths(home: temporaryFolder()), logger: logger)
        let agent = Agent(
            configuration: AgentConfiguration(definition: definition, tools: toolkit.tools), model: model,
            logger: logger)
        let run = await RunRecord.of(
            agent, "x³ + a·x² − 5x + 9 divided by x + 4 gives quotient x² + bx − 1 and remainder 13. Find a and b.",
            in: Conversation(root: temporaryFolder()))
        await toolkit.shutdown()
        let output = try #require(run.outputs.first)
        #expect(!output.isError, "python failed: \(output.text)")
        #expect(output.text.contains("a = 3, b = -1, quotient = x**2 - x - 1"))
        let trajectory = try #require(run.trajectory)
        #expect(trajectory.answer.contains("a = 3"))
        #expect(trajectory.answer.contains("b = -1"))
        #expect(trajectory.status == .completed)
    }

    @Test("GDP chart: search → open → python; the chart marks the falls in red and the answer cites the page")
    func gdpChart() async throws {
        let model = ScriptedModel { index, request in
            let observation = Self.lastObservation(request)
            switch index {
            case 0:
                return .toolCall("browser_search", #"{"query": "world GDP trillion US$ last ten years"}"#)
            case 1:
                guard let hit = Self.firstMatch(#"【(\d+)†World GDP[^】]*】"#, in: observation) else {
                    return .text("No GDP page found: \(observation)")
                }
                return .toolCall("browser_open", JSONValue.object(["targets": .array([.string(hit[1])])]).compactJSON)
            case 2:
                let rows = Self.rows(in: observation)
                guard rows.count >= 10 else { return .text("The page had no table: \(observation)") }
                let years = rows.map(\.0).map(String.init).joined(separator: ", ")
                let values = rows.map(\.1).map { String($0) }.joined(separator: ", ")
                let code = """
                    import matplotlib.pyplot as plt
                    years = [\(years)]
                    gdp = [\(values)]
                    fell = [y for i, y in enumerate(years) if i > 0 and gdp[i] < gdp[i - 1]]
                    fig, ax = plt.subplots(figsize=(8, 4.5))
                    ax.plot(years, gdp, color='tab:blue', marker='o')
                    for y in fell:
                        i = years.index(y)
                        ax.plot([years[i - 1], y], [gdp[i - 1], gdp[i]], color='red', linewidth=3)
                        ax.scatter([y], [gdp[i]], color='red', s=80, zorder=3)
                    ax.set_title('World GDP (trillion US$)')
                    ax.set_xlabel('Year')
                    print('GDP fell in', ', '.join(str(y) for y in fell))
                    """
                return .toolCall("python", JSONValue.object(["code": .string(code)]).compactJSON)
            case 3:
                let id = Self.firstMatch(#"【(\d+)†World GDP"#, in: request.messages.map(\.content).joined())?[1] ?? "?"
                let fell = Self.firstMatch(#"GDP fell in ([0-9, ]+)"#, in: observation)?[1] ?? "(unknown)"
                return .text("World GDP grew from 79.6 to 105.4 trillion US$ over 2014–2023; it fell in \(fell) "
                    + "(marked in red on the chart)【\(id)†World GDP】.")
            default: return nil
            }
        }
        let definition = AgentDefinition(
            name: "analyst",
            tools: [
                "python": .object([:]),
                "browser": .object(["search": .object(["provider": "local", "folder": .string(Self.site.path)])]),
            ])
        let toolkit = try await AgentToolkit.build(
            definition, baseDirectory: Self.repositoryRoot, paths: EmergentPaths(home: temporaryFolder()), logger: logger)
        let agent = Agent(
            configuration: AgentConfiguration(definition: definition, tools: toolkit.tools), model: model,
            logger: logger)
        let run = await RunRecord.of(
            agent, "Find global GDP for the last ten years, plot the trend, mark the years where GDP fell in red.",
            in: Conversation(root: temporaryFolder()))
        await toolkit.shutdown()
        #expect(run.outputs.map(\.name) == ["browser_search", "browser_open", "python"])
        #expect(run.outputs.allSatisfy { !$0.isError }, "\(run.outputs)")
        let trajectory = try #require(run.trajectory)
        #expect(trajectory.answer.contains("it fell in 2015, 2020"))
        let citation = try #require(trajectory.citations.first)
        #expect(citation.url.hasSuffix("world-gdp.html"))
        let chart = try #require(trajectory.artifacts.first { $0.mimeType == "image/png" })
        let bytes = try Data(contentsOf: URL(fileURLWithPath: chart.path))
        #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(try Self.redPixels(in: chart.path) > 200, "the chart should mark the falls in red")
    }

    /// `| 2014 | 79.6 |` rows from an opened page.
    static func rows(in text: String) -> [(Int, Double)] {
        text.split(separator: "\n").compactMap { line in
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2, let year = Int(cells[0]), (1900...2100).contains(year),
                let value = Double(cells[1])
            else { return nil }
            return (year, value)
        }
    }

    /// Counts strongly red pixels with Pillow from the sandbox's own venv (a real PNG decoder).
    static func redPixels(in path: String) throws -> Int {
        let process = Process()
        process.executableURL = repositoryRoot.appendingPathComponent(".deps/sandbox-venv/bin/python")
        process.arguments = [
            "-c",
            "import sys; from PIL import Image; im = Image.open(sys.argv[1]).convert('RGB'); "
                + "print(sum(1 for r, g, b in im.getdata() if r > 200 and g < 60 and b < 60))",
            path,
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Int(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
}
