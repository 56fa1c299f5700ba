import EmergentCore
import EmergentTools
import Foundation
import Synchronization

/// Adds two numbers.
struct AddTool: Tool {
    var spec: ToolSpec {
        ToolSpec(
            name: "add", description: "Adds a and b.",
            parameters: .object([
                "type": "object",
                "properties": .object(["a": .object(["type": "number"]), "b": .object(["type": "number"])]),
                "required": .array(["a", "b"]),
            ]))
    }

    func call(_ arguments: JSONValue, context: ToolContext) async throws -> ToolOutput {
        let a = arguments["a"]?.doubleValue ?? 0
        let b = arguments["b"]?.doubleValue ?? 0
        return ToolOutput(text: String(a + b))
    }
}

/// Sleeps for `seconds`, then says so; honours cancellation only if `cooperative`.
struct SleepTool: Tool {
    var cooperative = true
    var spec: ToolSpec {
        ToolSpec(
            name: "sleep", description: "Waits.",
            parameters: .object([
                "type": "object", "properties": .object(["seconds": .object(["type": "number"])]),
            ]))
    }

    func call(_ arguments: JSONValue, context: ToolContext) async throws -> ToolOutput {
        let seconds = arguments["seconds"]?.doubleValue ?? 1
        if cooperative {
            try await Task.sleep(for: .seconds(seconds))
        } else {
            await withCheckedContinuation { continuation in
                DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { continuation.resume() }
            }
        }
        return ToolOutput(text: "slept \(seconds) s")
    }
}

/// Always fails with a ToolError.
struct FailingTool: Tool {
    var spec: ToolSpec {
        ToolSpec(name: "flaky", description: "Fails.", parameters: .object(["type": "object"]))
    }

    func call(_ arguments: JSONValue, context: ToolContext) async throws -> ToolOutput {
        throw ToolError("the service answered 503; try again later")
    }
}

/// Registers a web page as a source and returns it, as the browser does.
struct PageTool: Tool {
    var spec: ToolSpec {
        ToolSpec(name: "page", description: "Reads a page.", parameters: .object(["type": "object"]))
    }

    func call(_ arguments: JSONValue, context: ToolContext) async throws -> ToolOutput {
        let source = await context.sources.register(url: "https://example.org/gdp", title: "World GDP")
        return ToolOutput(
            text: "【\(source.id)†World GDP】 GDP fell in 2020.",
            citations: [Citation(id: source.id, title: source.title, url: source.url, quote: "GDP fell in 2020.")])
    }
}

/// Counts its calls.
final class CountingTool: Tool {
    private let count = Mutex(0)
    var calls: Int { count.withLock { $0 } }

    var spec: ToolSpec {
        ToolSpec(name: "count", description: "Counts.", parameters: .object(["type": "object"]))
    }

    func call(_ arguments: JSONValue, context: ToolContext) async throws -> ToolOutput {
        let value = count.withLock { value in
            value += 1
            return value
        }
        return ToolOutput(text: String(value))
    }
}
