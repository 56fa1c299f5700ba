import EmergentCore
import EmergentTools
import Foundation
import Testing

@Suite("python tool: a stateful interpreter")
struct PythonToolTests {
    @Test func variablesAndImportsPersistBetweenCalls() async throws {
        try await PythonSandboxFixture.withTool { tool, _ in
            let context = PythonSandboxFixture.context()
            _ = try await tool.run("import math\nradius = 2", in: context)
            let output = try await tool.run("print(round(math.pi * radius ** 2, 3))", in: context)
            #expect(output.text == "12.566\n")
            #expect(!output.isError)
        }
    }

    @Test("parallel calls of one conversation queue and run one after another, in order")
    func parallelCallsQueue() async throws {
        try await PythonSandboxFixture.withTool { tool, _ in
            let context = PythonSandboxFixture.context()
            _ = try await tool.run("import time\nlog = []", in: context)
            async let first = tool.run(
                "open('started', 'w').close()\ntime.sleep(0.3)\nlog.append('first')", in: context)
            // The second call is made only once the first is running in the interpreter.
            let marker = context.workDirectory.appendingPathComponent("started").path
            while !FileManager.default.fileExists(atPath: marker) { try await Task.sleep(for: .milliseconds(10)) }
            async let second = tool.run("log.append('second')\nlog", in: context)
            let (a, b) = try await (first, second)
            #expect(!a.isError, "\(a.text)")
            #expect(b.text == "['first', 'second']\n")
        }
    }

    @Test("a syntax error is reported without the driver's or the parser's frames")
    func syntaxError() async throws {
        try await PythonSandboxFixture.withTool { tool, _ in
            let output = try await tool.run("6 times 7", in: PythonSandboxFixture.context())
            #expect(output.isError)
            #expect(output.text.contains("SyntaxError: invalid syntax"))
            #expect(output.text.contains("6 times 7"))
            #expect(!output.text.contains("ast.py"))
            #expect(!output.text.contains("Traceback"))
        }
    }

    @Test func valueOfTheLastExpressionIsEchoed() async throws {
        try await PythonSandboxFixture.withTool { tool, _ in
            let context = PythonSandboxFixture.context()
            let output = try await tool.run("x = [1, 2]\nx + [3]", in: context)
            #expect(output.text == "[1, 2, 3]\n")
            let none = try await tool.run("None", in: context)
            #expect(none.text == "(no output)")
        }
    }

    @Test func exceptionIsReportedAsAnErrorWithItsTraceback() async throws {
        try await PythonSandboxFixture.withTool { tool, _ in
            let context = PythonSandboxFixture.context()
            let output = try await tool.run("def f():\n    return 1 / 0\nf()", in: context)
            #expect(output.isError)
            #expect(output.text.contains("Traceback (most recent call last)"))
            #expect(output.text.contains("ZeroDivisionError: division by zero"))
            #expect(output.text.contains("return 1 / 0"))
            #expect(!output.text.contains("_emergent_main"))
            let after = try await tool.run("'still alive'", in: context)
            #expect(after.text == "'still alive'\n")
        }
    }

    @Test func matplotlibFigureBecomesAPNGArtifact() async throws {
        try await PythonSandboxFixture.withTool { tool, _ in
            let context = PythonSandboxFixture.context()
            let output = try await tool.run(
                "import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.title('销售额')", in: context)
            #expect(!output.isError, "\(output.text)")
            let figure = try #require(output.artifacts.first { $0.name == "figure-1.png" })
            #expect(figure.mimeType == "image/png")
            #expect(figure.path == context.workDirectory.appendingPathComponent("figure-1.png").path)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: figure.path))
            #expect(bytes.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
            #expect(figure.byteCount == bytes.count)
            #expect(!output.text.contains("missing from font"), "the CJK fallback font should cover the title")
            let next = try await tool.run("len(plt.get_fignums())", in: context)
            #expect(next.text == "0\n", "figures are closed once saved")
            #expect(next.artifacts.isEmpty)
        }
    }

    @Test func fileWrittenToTheWorkFolderIsAnArtifact() async throws {
        try await PythonSandboxFixture.withTool { tool, _ in
            let context = PythonSandboxFixture.context()
            let output = try await tool.run(
                "import pandas as pd\npd.DataFrame({'a': [1, 2]}).to_csv('/mnt/data/table.csv', index=False)",
                in: context)
            #expect(!output.isError, "\(output.text)")
            let artifact = try #require(output.artifacts.first)
            #expect(output.artifacts.count == 1)
            #expect(artifact.name == "table.csv")
            #expect(artifact.mimeType == "text/csv")
            let host = context.workDirectory.appendingPathComponent("table.csv")
            #expect(try String(contentsOf: host, encoding: .utf8) == "a\n1\n2\n")
            let unchanged = try await tool.run("open('table.csv').read().count('\\n')", in: context)
            #expect(unchanged.text == "3\n")
            #expect(unchanged.artifacts.isEmpty, "a file read but not changed is not an artifact")
        }
    }

    @Test func sympySolvesSymbolically() async throws {
        try await PythonSandboxFixture.withTool { tool, _ in
            let output = try await tool.run(
                "import sympy as sp\nx = sp.symbols('x')\nsp.integrate(x**2, x), sp.solve(x**2 - 4, x)",
                in: PythonSandboxFixture.context())
            #expect(output.text == "(x**3/3, [-2, 2])\n")
        }
    }

    @Test func missingCodeArgumentIsAToolError() async throws {
        try await PythonSandboxFixture.withTool { tool, _ in
            await #expect(throws: ToolError.self) {
                _ = try await tool.call(["source": "1"], context: PythonSandboxFixture.context())
            }
        }
    }

    @Test func missingVirtualEnvironmentSaysToRunSetup() throws {
        let nowhere = URL(fileURLWithPath: "/nonexistent/sandbox-venv")
        let error = #expect(throws: PythonSandboxError.self) {
            try PythonEnvironment.locate(virtualEnvironment: nowhere, environment: [:])
        }
        #expect(error?.description.contains("scripts/setup.sh") == true)
    }

    @Test func endingTheConversationForgetsItsState() async throws {
        try await PythonSandboxFixture.withTool { tool, pool in
            let context = PythonSandboxFixture.context()
            _ = try await tool.run("secret = 7", in: context)
            await pool.end(conversationID: context.conversationID)
            let output = try await tool.run("'secret' in globals()", in: context)
            #expect(output.text.hasSuffix("False\n"))
        }
    }
}
