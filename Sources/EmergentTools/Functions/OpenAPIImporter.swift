import AsyncHTTPClient
import EmergentCore
import Foundation
import Logging

/// Turns an OpenAPI 3 document into ``FunctionDefinition``s, one per operation.
///
/// Each operation's name is its `operationId`, else `method_path`, reduced to `^[a-zA-Z0-9_-]{1,64}$`; its
/// description is the summary (else the description). Path, query and header parameters and the properties of a
/// JSON object request body are merged into one object schema, with local `$ref`s (`#/components/...`) inlined.
/// Operations with a request body that is not a JSON object are skipped (logged), since their body cannot be
/// built from named arguments; so are cookie parameters.
public struct OpenAPIImporter: Sendable {
    private let logger: Logger

    public init(logger: Logger = Logger(label: "emergent.tools.openapi")) {
        self.logger = logger
    }

    /// Reads the document at `source.location` (a path or an http(s) URL) and imports it.
    public func load(_ source: OpenAPISource, httpClient: HTTPClient = .shared) async throws(ToolConfigurationError)
        -> [FunctionDefinition]
    {
        let text: String
        let location = source.location
        do {
            if location.hasPrefix("http://") || location.hasPrefix("https://") {
                let response = try await HTTPFetcher(client: httpClient, logger: logger).fetch(
                    method: "GET", url: location, headers: [("Accept", "application/json, application/yaml, */*")],
                    body: nil, timeout: .seconds(30), maxBytes: 16 << 20)
                guard response.status < 400 else {
                    throw ToolConfigurationError(
                        .invalidOpenAPIDocument, "OpenAPI document \(location) answered HTTP \(response.status)")
                }
                text = String(decoding: response.body, as: UTF8.self)
            } else {
                let path = location.hasPrefix("file://") ? String(location.dropFirst(7)) : location
                text = try await BlockingIO.run { try String(contentsOfFile: path, encoding: .utf8) }
            }
        } catch let error as ToolConfigurationError {
            throw error
        } catch {
            throw ToolConfigurationError(
                .invalidOpenAPIDocument, "cannot read the OpenAPI document at \(location): \(error)")
        }
        let document: JSONValue
        do {
            document = try YAMLJSON.parse(text)
        } catch {
            throw ToolConfigurationError(
                .invalidOpenAPIDocument, "the OpenAPI document at \(location) is neither valid JSON nor YAML: \(error)")
        }
        return try definitions(from: document, source: source)
    }

    /// Imports an already parsed document.
    public func definitions(from document: JSONValue, source: OpenAPISource) throws(ToolConfigurationError)
        -> [FunctionDefinition]
    {
        let location = source.location
        guard let version = document["openapi"]?.stringValue, version.hasPrefix("3") else {
            throw ToolConfigurationError(
                .invalidOpenAPIDocument,
                "\(location) is not an OpenAPI 3 document (no 'openapi: 3.x' field); Swagger 2 is not supported")
        }
        let server = try serverURL(of: document, source: source)
        guard let paths = document["paths"]?.objectValue else {
            throw ToolConfigurationError(.invalidOpenAPIDocument, "\(location) has no 'paths' object")
        }
        let resolver = ReferenceResolver(document: document)
        var definitions: [FunctionDefinition] = []
        var seen: Set<String> = []
        for (path, item) in paths {
            let item = resolver.resolve(item)
            let shared = item["parameters"]?.arrayValue ?? []
            for method in ["get", "put", "post", "delete", "patch", "head"] {
                guard let operation = item[method]?.objectValue else { continue }
                guard
                    let definition = self.definition(
                        method: method, path: path, operation: .object(operation), sharedParameters: shared,
                        server: server, source: source, resolver: resolver)
                else { continue }
                if let wanted = source.operations, !wanted.contains(definition.name) { continue }
                guard seen.insert(definition.name).inserted else {
                    logger.warning("OpenAPI operation name used twice; keeping the first", metadata: ["name": "\(definition.name)"])
                    continue
                }
                definitions.append(definition)
            }
        }
        return definitions
    }

    private func serverURL(of document: JSONValue, source: OpenAPISource) throws(ToolConfigurationError) -> String {
        if let override = source.serverURL { return trimmedSlash(override) }
        guard let server = document["servers"]?.arrayValue?.first, var url = server["url"]?.stringValue else {
            throw ToolConfigurationError(
                .invalidOpenAPIDocument,
                "\(source.location) names no server (servers[0].url); set server_url for it")
        }
        for (name, variable) in server["variables"]?.objectValue ?? JSONObject() {
            if let value = variable["default"].map(FunctionTool.text(of:)) {
                url = url.replacingOccurrences(of: "{\(name)}", with: value)
            }
        }
        if url.hasPrefix("/"), let base = URL(string: source.location), base.scheme?.hasPrefix("http") == true,
            let absolute = URL(string: url, relativeTo: base)?.absoluteString
        {
            url = absolute
        }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw ToolConfigurationError(
                .invalidOpenAPIDocument,
                "\(source.location): servers[0].url '\(url)' is not an absolute http(s) URL; set server_url for it")
        }
        return trimmedSlash(url)
    }

    private func trimmedSlash(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    private func definition(
        method: String, path: String, operation: JSONValue, sharedParameters: [JSONValue], server: String,
        source: OpenAPISource, resolver: ReferenceResolver
    ) -> FunctionDefinition? {
        let name = Self.toolName(operationID: operation["operationId"]?.stringValue, method: method, path: path)
        var properties = JSONObject()
        var required: [JSONValue] = []
        var locations: [String: FunctionDefinition.ArgumentLocation] = [:]

        var parameters: [(key: String, value: JSONValue)] = []
        for parameter in sharedParameters + (operation["parameters"]?.arrayValue ?? []) {
            let parameter = resolver.resolve(parameter)
            guard let parameterName = parameter["name"]?.stringValue, let place = parameter["in"]?.stringValue else {
                continue
            }
            let key = "\(place):\(parameterName)"
            parameters.removeAll { $0.key == key }
            parameters.append((key, parameter))
        }
        for (_, parameter) in parameters {
            guard let parameterName = parameter["name"]?.stringValue, let place = parameter["in"]?.stringValue,
                let location = FunctionDefinition.ArgumentLocation(rawValue: place)
            else {
                logger.debug("OpenAPI parameter skipped", metadata: ["operation": "\(name)"])
                continue
            }
            var schema = resolver.inline(parameter["schema"] ?? ["type": "string"]).objectValue ?? JSONObject()
            if schema["description"] == nil, let text = parameter["description"] { schema["description"] = text }
            properties[parameterName] = .object(schema)
            locations[parameterName] = location
            if parameter["required"] == .bool(true) || location == .path { required.append(.string(parameterName)) }
        }

        if let body = operation["requestBody"].map(resolver.resolve) {
            let content = body["content"]?.objectValue ?? JSONObject()
            let json = content.first { $0.key.lowercased().contains("json") }?.value
            guard let json else {
                logger.warning(
                    "OpenAPI operation skipped: its request body is not JSON",
                    metadata: ["operation": "\(name)", "content": "\(content.keys)"])
                return nil
            }
            let schema = resolver.inline(json["schema"] ?? ["type": "object"])
            let bodyProperties = Self.objectProperties(of: schema)
            guard let bodyProperties else {
                logger.warning(
                    "OpenAPI operation skipped: its JSON request body is not an object with properties",
                    metadata: ["operation": "\(name)"])
                return nil
            }
            let bodyRequired = body["required"] == .bool(true)
            for (property, propertySchema) in bodyProperties.properties where locations[property] == nil {
                properties[property] = propertySchema
                locations[property] = .body
                if bodyRequired && bodyProperties.required.contains(property) { required.append(.string(property)) }
            }
        }

        var schema: JSONObject = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { schema["required"] = .array(required) }
        let summary = operation["summary"]?.stringValue ?? ""
        let detail = operation["description"]?.stringValue ?? ""
        var description = summary.isEmpty ? detail : summary
        if description.isEmpty { description = "\(method.uppercased()) \(path)" }
        if description.count > 1_024 { description = String(description.prefix(1_024)) }
        return FunctionDefinition(
            name: name, description: description, parameters: .object(schema), method: method, url: server + path,
            headers: source.headers, argumentLocations: locations, timeoutSeconds: source.timeoutSeconds)
    }

    /// The properties and required names of an object schema (merging `allOf` parts); `nil` if not an object.
    static func objectProperties(of schema: JSONValue) -> (properties: JSONObject, required: Set<String>)? {
        var properties = JSONObject()
        var required: Set<String> = []
        var isObject = schema["type"]?.stringValue == "object" || schema["properties"] != nil
        for (key, value) in schema["properties"]?.objectValue ?? JSONObject() { properties[key] = value }
        for name in schema["required"]?.arrayValue ?? [] { if let name = name.stringValue { required.insert(name) } }
        for part in schema["allOf"]?.arrayValue ?? [] {
            guard let inner = objectProperties(of: part) else { continue }
            isObject = true
            for (key, value) in inner.properties { properties[key] = value }
            required.formUnion(inner.required)
        }
        return isObject ? (properties, required) : nil
    }

    /// `operationId`, else `method_path`, reduced to `^[a-zA-Z0-9_-]{1,64}$`.
    static func toolName(operationID: String?, method: String, path: String) -> String {
        let raw = operationID.flatMap { $0.isEmpty ? nil : $0 } ?? "\(method)_\(path)"
        var name = ""
        for scalar in raw.unicodeScalars {
            let keep = scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "_" || scalar == "-")
            if keep {
                name.unicodeScalars.append(scalar)
            } else if !name.hasSuffix("_") {
                name += "_"
            }
        }
        while name.hasSuffix("_") { name.removeLast() }
        if name.isEmpty { name = method }
        return String(name.prefix(64))
    }
}
