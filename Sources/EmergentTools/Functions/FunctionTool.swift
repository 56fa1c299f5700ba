import AsyncHTTPClient
import EmergentCore
import Foundation
import Logging

/// A ``FunctionDefinition`` made callable: arguments are checked against its schema, placed into the request
/// (path, query, headers, JSON body), and the response becomes the observation.
///
/// Failures the model can act on come back as error outputs: arguments that do not match the schema (nothing is
/// sent), and HTTP 4xx/5xx answers (with the status and the start of the body). A server that cannot be reached
/// or does not answer in time is a thrown ``ToolError``.
public struct FunctionTool: Tool {
    /// The declaration this tool was made from (header values still as `${NAME}`).
    public let definition: FunctionDefinition
    public let spec: ToolSpec
    private let template: URLTemplate
    private let headers: [(name: String, value: String)]
    private let fetcher: HTTPFetcher

    /// The default cap on response bytes kept for the model.
    public static let defaultMaxResponseBytes = 65_536

    /// Makes the tool, filling `${NAME}` references in the headers and URL from `environment`.
    ///
    /// - Throws: ``ToolConfigurationError`` for a missing variable, an invalid name, method or URL template.
    public init(
        definition: FunctionDefinition, environment: [String: String] = ProcessInfo.processInfo.environment,
        httpClient: HTTPClient = .shared, logger: Logger = Logger(label: "emergent.tools.functions")
    ) throws(ToolConfigurationError) {
        guard FunctionDefinition.isValidName(definition.name) else {
            throw ToolConfigurationError(
                .invalidDefinition,
                "function name '\(definition.name)' is not usable: names must match ^[a-zA-Z0-9_-]{1,64}$")
        }
        guard ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"].contains(definition.method) else {
            throw ToolConfigurationError(
                .invalidDefinition,
                "function '\(definition.name)' has method '\(definition.method)'; use GET, POST, PUT, PATCH, "
                    + "DELETE or HEAD")
        }
        let url = EnvironmentTemplate.expand(definition.url, environment: environment)
        if let missing = url.missing {
            throw .missingVariable(missing, in: "function '\(definition.name)' (url)")
        }
        var headers: [(name: String, value: String)] = []
        for name in definition.headers.keys.sorted() {
            let value = EnvironmentTemplate.expand(definition.headers[name] ?? "", environment: environment)
            if let missing = value.missing {
                throw .missingVariable(missing, in: "function '\(definition.name)' (header \(name))")
            }
            headers.append((name, value.text))
        }
        self.definition = definition
        self.template = try URLTemplate(url.text)
        self.headers = headers
        self.spec = ToolSpec(name: definition.name, description: definition.description, parameters: definition.parameters)
        self.fetcher = HTTPFetcher(client: httpClient, logger: logger)
    }

    public func call(_ arguments: JSONValue, context: ToolContext) async throws -> ToolOutput {
        if let problem = ArgumentCheck.problem(arguments: arguments, schema: definition.parameters, tool: spec.name) {
            return .failure(problem)
        }
        let request: (url: String, headers: [(name: String, value: String)], body: [UInt8]?)
        switch buildRequest(arguments.objectValue ?? JSONObject()) {
        case .success(let built): request = built
        case .failure(let message): return .failure(message.message)
        }
        var timeout = context.timeout
        if let seconds = definition.timeoutSeconds, seconds > 0 { timeout = min(timeout, .seconds(seconds)) }
        let maxBytes = definition.maxResponseBytes ?? Self.defaultMaxResponseBytes
        let response: HTTPFetcher.Response
        do {
            response = try await fetcher.fetch(
                method: definition.method, url: request.url, headers: request.headers, body: request.body,
                timeout: timeout, maxBytes: maxBytes)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw ToolError(
                "\(spec.name): \(definition.method) \(Self.redacted(request.url)) did not answer within "
                    + "\(timeout); try again later or with a smaller request")
        } catch {
            throw ToolError(
                "\(spec.name): \(definition.method) \(Self.redacted(request.url)) failed: \(error); the service may "
                    + "be down or the URL wrong")
        }
        return Self.observation(of: response, method: definition.method, url: request.url, maxBytes: maxBytes)
    }

    private func buildRequest(_ arguments: JSONObject) -> Result<
        (url: String, headers: [(name: String, value: String)], body: [UInt8]?), ToolError
    > {
        let pathNames = Set(template.names)
        var pathValues: [String: String] = [:]
        var query: [(String, String)] = []
        var headers = headers
        var body = JSONObject()
        for (name, value) in arguments {
            let location =
                definition.argumentLocations[name] ?? (pathNames.contains(name) ? .path : definition.defaultLocation)
            switch location {
            case .path: pathValues[name] = Self.text(of: value)
            case .query:
                if case .array(let items) = value {
                    query += items.map { (name, Self.text(of: $0)) }
                } else if value != .null {
                    query.append((name, Self.text(of: value)))
                }
            case .header: if value != .null { headers.append((name, Self.text(of: value))) }
            case .body: body[name] = value
            }
        }
        let expanded = template.expand(pathValues)
        if let missing = expanded.missing {
            return .failure(
                ToolError(
                    "Invalid arguments for \(spec.name): '\(missing)' is needed to build the URL; nothing was sent. "
                        + "Call it again with '\(missing)'."))
        }
        var url = expanded.url
        if !query.isEmpty {
            url += (url.contains("?") ? "&" : "?")
                + query.map { URLTemplate.encode($0.0) + "=" + URLTemplate.encode($0.1) }.joined(separator: "&")
        }
        if !headers.contains(where: { $0.name.lowercased() == "accept" }) {
            headers.append(("Accept", "application/json, text/plain;q=0.9, */*;q=0.8"))
        }
        var bytes: [UInt8]?
        let sendsBody =
            !body.isEmpty || (definition.defaultLocation == .body && ["POST", "PUT", "PATCH"].contains(definition.method))
        if sendsBody {
            bytes = Array(JSONValue.object(body).compactJSON.utf8)
            if !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
                headers.append(("Content-Type", "application/json"))
            }
        }
        return .success((url, headers, bytes))
    }

    /// An argument as text for a path, query or header: strings as they are, other values as compact JSON.
    static func text(of value: JSONValue) -> String {
        if case .string(let text) = value { return text }
        return value.compactJSON
    }

    /// The URL without its query string, which may hold secrets.
    static func redacted(_ url: String) -> String {
        url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
    }

    static func observation(of response: HTTPFetcher.Response, method: String, url: String, maxBytes: Int)
        -> ToolOutput
    {
        let reason = HTTPStatusText.reason(response.status)
        let bodyText: String
        if response.body.isEmpty {
            bodyText = ""
        } else if let text = String(validating: response.body, as: UTF8.self)
            ?? (response.truncated ? String(decoding: response.body, as: UTF8.self) : nil)
        {
            bodyText = text
        } else {
            bodyText = "(\(response.body.count) bytes of binary content, \(response.header("Content-Type") ?? "unknown type"))"
        }
        if response.status >= 400 {
            let excerpt = bodyText.count > 2_000 ? String(bodyText.prefix(2_000)) + " …" : bodyText
            return ToolOutput(
                text: "HTTP \(response.status) \(reason) from \(method) \(redacted(url))"
                    + (excerpt.isEmpty ? "" : "\n\(excerpt)"),
                isError: true)
        }
        if bodyText.isEmpty { return ToolOutput(text: "HTTP \(response.status) \(reason) (empty response)") }
        let note = response.truncated ? "\n[response cut at \(maxBytes) bytes]" : ""
        return ToolOutput(text: bodyText + note)
    }
}
