import EmergentCore
import Foundation
import Testing
@testable import EmergentEval

/// The shipped dev tasks are exactly what `WebShopTaskMaker` makes from the shipped catalogue seed.
/// Run with WEBSHOP_WRITE_TASKS=/path/to/webshop.jsonl to (re)write the file.
@Suite struct WebShopTaskFileTests {
    static let devCount = 24

    @Test func shippedTasksAreTheMakersTasks() throws {
        let made = WebShopTaskMaker.make(count: Self.devCount)
        if let path = ProcessInfo.processInfo.environment["WEBSHOP_WRITE_TASKS"] {
            let text = made.map { $0.payload.compactJSON }.joined(separator: "\n") + "\n"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let shipped = try WebShopEnvironment().devTasks()
        #expect(shipped.count >= 20)
        #expect(shipped.count == made.count)
        #expect(Set(shipped.map(\.id)).count == shipped.count)
        for (file, expected) in zip(shipped, made) {
            let parsed = try WebShopTask.parse(file.payload, place: file.id)
            #expect(parsed == expected, "\(file.id) differs from the task maker's")
        }
    }
}
