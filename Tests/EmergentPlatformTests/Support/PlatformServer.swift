import AsyncHTTPClient
import EmergentAgents
import EmergentCore
import EmergentModels
import EmergentPlatform
import EmergentServer
import EmergentStore
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// The platform served in this process on a free loopback port, on a fresh home folder, with scripted models.
final class PlatformServer: Sendable {
    static let adminKey = "emk-test-admin-key-0123456789"

    let server: EmergentServer
    let platform: AgentPlatform
    let port: Int
    let home: URL
    let task: Task<Void, any Error>

    /// Starts a server whose agents' `model: scripted` (and `default`) is ``TestScripts/model(pause:)``.
    static func start(
        options: PlatformOptions = PlatformOptions(adminKey: adminKey, createsDefaultAgent: false),
        models: [String: any LanguageModel]? = nil, home: URL? = nil
    ) async throws -> PlatformServer {
        let home = home ?? FileManager.default.temporaryDirectory.appendingPathComponent(
            "emergent-platform-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let store = try SQLiteStore(home: home)
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let resolver = FixedModelResolver(models ?? ["scripted": TestScripts.model()], defaultName: "scripted")
        let (platform, _) = try await AgentPlatform.open(
            store: store, models: resolver, paths: EmergentPaths(home: home), options: options, logger: logger)
        let server = EmergentServer(
            catalog: ModelCatalog([]), options: ServerOptions(host: "127.0.0.1", port: 0), extensions: [platform])
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let task = Task { try await server.run(logger: logger) { continuation.yield($0) } }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return PlatformServer(server: server, platform: platform, port: port, home: home, task: task)
    }

    init(server: EmergentServer, platform: AgentPlatform, port: Int, home: URL, task: Task<Void, any Error>) {
        self.server = server
        self.platform = platform
        self.port = port
        self.home = home
        self.task = task
    }

    /// Stops the server (runs get the shutdown grace) and waits for it.
    func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    var base: String { "http://127.0.0.1:\(port)" }

    struct Reply: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: String
        var json: JSONValue { (try? JSONParser.parse(body)) ?? .null }
    }

    /// Sends a request (the admin key unless `key` says otherwise; `""` sends none).
    func send(
        _ path: String, method: HTTPMethod = .POST, json: JSONValue? = nil, body: String? = nil,
        key: String = PlatformServer.adminKey, contentType: String = "application/json", timeout: TimeAmount = .seconds(120)
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Content-Type", value: contentType)
        if !key.isEmpty { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        if let json { request.body = .bytes(ByteBuffer(string: json.compactJSON)) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
    }

    /// Sends raw bytes (uploads).
    func upload(
        _ path: String, bytes: [UInt8], contentType: String, key: String = PlatformServer.adminKey
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        request.body = .bytes(ByteBuffer(bytes: bytes))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let data = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: String(buffer: data))
    }

    /// A multipart body with one file part (and optional other fields).
    static func multipart(
        filename: String, content: [UInt8], contentType: String = "text/csv", fields: [String: String] = [:]
    ) -> (body: [UInt8], contentType: String) {
        let boundary = "----emergent\(UUID().uuidString.prefix(8))"
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        body += Array(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: \(contentType)\r\n\r\n".utf8)
        body += content
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    /// Creates an agent from a JSON definition and returns its id.
    func createAgent(_ definition: JSONValue) async throws -> String {
        let reply = try await send("/v1/agents", json: definition)
        guard reply.status == 201, let id = reply.json["id"]?.stringValue else {
            throw TestFailure("creating the agent answered \(reply.status): \(reply.body)")
        }
        return id
    }

    /// Parses an SSE body into (event name, data) pairs; comments are returned with the name ":".
    static func events(_ body: String) -> [(name: String, data: JSONValue)] {
        var events: [(String, JSONValue)] = []
        for block in body.components(separatedBy: "\n\n") where !block.isEmpty {
            var name = "message"
            var data = ""
            for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix(":") { events.append((":", .string(String(line)))) }
                if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data += line.dropFirst(6) }
            }
            if !data.isEmpty { events.append((name, (try? JSONParser.parse(data)) ?? .string(data))) }
        }
        return events
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Scripted model behaviour for platform tests, decided from each request (so any number of runs can share it):
/// - after a tool result: answers "The result is <result>.";
/// - an input containing `python:` calls the python tool with the code after it;
/// - an input starting with `slow` answers in many pieces, `pause` apart;
/// - an input containing `how many` answers with the number of user messages it was sent;
/// - anything else is echoed.
enum TestScripts {
    static func model(pause: Duration = .milliseconds(150)) -> ScriptedModel {
        ScriptedModel { _, request in
            guard let last = request.messages.last else { return nil }
            if last.role == .tool {
                return .text("The result is \(last.content.trimmingCharacters(in: .whitespacesAndNewlines)).")
            }
            let input = last.content
            if let range = input.range(of: "python:") {
                // The code runs to the end of the line (attached files are noted after a blank line).
                let rest = input[range.upperBound...]
                let code = String(rest.prefix { $0 != "\n" }).trimmingCharacters(in: .whitespaces)
                return .toolCall("python", JSONValue.object(["code": .string(code)]).compactJSON)
            }
            if input.hasPrefix("slow") {
                return .text(Array(repeating: "word", count: 40).joined(separator: " "), pause: pause)
            }
            if input.contains("how many") {
                let users = request.messages.filter { $0.role == .user }.count
                return .text("You have sent \(users) messages.")
            }
            return .text("You said: \(input)")
        }
    }

    /// An agent definition on the scripted model.
    static func agent(name: String = "Tester", tools: JSONValue = ["python": [:]]) -> JSONValue {
        [
            "name": .string(name), "description": "Platform test agent", "instructions": "Be exact.",
            "model": "scripted", "tools": tools, "limits": ["max_tool_rounds": 3, "tool_timeout_seconds": 30],
        ]
    }
}
