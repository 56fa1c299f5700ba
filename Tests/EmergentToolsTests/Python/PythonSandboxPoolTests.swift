import EmergentCore
import EmergentTools
import Foundation
import Testing

@Suite("python sandbox pool")
struct PythonSandboxPoolTests {
    @Test func newConversationsGetPrestartedInterpreters() async throws {
        let configuration = PythonSandboxFixture.configuration(warmPoolSize: 1)
        try await PythonSandboxFixture.withTool(configuration) { tool, pool in
            try await pool.waitUntilWarm()
            let first = PythonSandboxFixture.context()
            let lease = try await pool.lease(conversationID: first.conversationID, workDirectory: first.workDirectory)
            #expect(lease.wasPrestarted)
            let output = try await tool.run("open('hello.txt', 'w').write('hi')\n1 + 1", in: first)
            #expect(output.text == "2\n")
            #expect(FileManager.default.fileExists(atPath: first.workDirectory.appendingPathComponent("hello.txt").path),
                "the adopted staging folder is the conversation's work folder")

            try await pool.waitUntilWarm()
            let second = PythonSandboxFixture.context()
            let secondLease = try await pool.lease(
                conversationID: second.conversationID, workDirectory: second.workDirectory)
            #expect(secondLease.wasPrestarted)
            let isolated = try await tool.run("import os\nos.listdir('.')", in: second)
            #expect(isolated.text == "[]\n", "a conversation does not see another's files")

            try await pool.waitUntilWarm()
            let existing = PythonSandboxFixture.workFolder()
            try FileManager.default.createDirectory(at: existing, withIntermediateDirectories: true)
            try "kept".write(to: existing.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
            let third = PythonSandboxFixture.context(folder: existing)
            let thirdLease = try await pool.lease(conversationID: third.conversationID, workDirectory: existing)
            #expect(!thirdLease.wasPrestarted, "a folder with files gets its own sandbox")
            let read = try await tool.run("open('notes.txt').read()", in: third)
            #expect(read.text == "'kept'\n")
        }
    }

    @Test func concurrentFirstCallsOfAConversationShareOneInterpreter() async throws {
        let configuration = PythonSandboxFixture.configuration(warmPoolSize: 2)
        try await PythonSandboxFixture.withTool(configuration) { _, pool in
            try await pool.waitUntilWarm()
            let context = PythonSandboxFixture.context()
            async let first = pool.lease(conversationID: context.conversationID, workDirectory: context.workDirectory)
            async let second = pool.lease(conversationID: context.conversationID, workDirectory: context.workDirectory)
            let (a, b) = try await (first, second)
            #expect(a.sandbox === b.sandbox)
            #expect(await a.sandbox.workDirectory.standardizedFileURL == context.workDirectory.standardizedFileURL)
        }
    }

    @Test func shutdownStopsEveryInterpreter() async throws {
        let configuration = PythonSandboxFixture.configuration(warmPoolSize: 1)
        let pool = PythonSandboxPool(environment: try PythonEnvironment.locate(), configuration: configuration)
        try await pool.waitUntilWarm()
        let context = PythonSandboxFixture.context()
        let lease = try await pool.lease(conversationID: context.conversationID, workDirectory: context.workDirectory)
        await pool.shutdown()
        try await Task.sleep(for: .milliseconds(200))
        #expect(await !lease.sandbox.isAlive)
        await #expect(throws: PythonSandboxError.self) {
            _ = try await pool.lease(conversationID: "another", workDirectory: PythonSandboxFixture.workFolder())
        }
    }
}
