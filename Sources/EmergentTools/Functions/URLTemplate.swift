import Foundation

/// A URL with `{name}` placeholders, each filled from an argument and percent-encoded as one path segment.
struct URLTemplate: Sendable, Hashable {
    enum Part: Sendable, Hashable {
        case literal(String)
        case placeholder(String)
    }

    let parts: [Part]

    /// Characters left as they are in a path segment or query component (RFC 3986 unreserved).
    static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    init(_ text: String) throws(ToolConfigurationError) {
        var parts: [Part] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else {
                throw ToolConfigurationError(
                    .invalidDefinition, "URL template '\(text)' has a '{' without a closing '}'")
            }
            if open > rest.startIndex { parts.append(.literal(String(rest[..<open]))) }
            let name = String(rest[rest.index(after: open)..<close])
            guard !name.isEmpty, !name.contains("{") else {
                throw ToolConfigurationError(.invalidDefinition, "URL template '\(text)' has an empty or nested {}")
            }
            parts.append(.placeholder(name))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { parts.append(.literal(String(rest))) }
        let prefix = parts.first.flatMap { if case .literal(let text) = $0 { text } else { nil } } ?? ""
        guard prefix.hasPrefix("http://") || prefix.hasPrefix("https://") else {
            throw ToolConfigurationError(
                .invalidDefinition, "URL template '\(text)' must start with http:// or https://")
        }
        self.parts = parts
    }

    /// The placeholder names, in order.
    var names: [String] {
        parts.compactMap { if case .placeholder(let name) = $0 { name } else { nil } }
    }

    /// The URL with every placeholder filled; returns the first name without a value in `missing`.
    func expand(_ values: [String: String]) -> (url: String, missing: String?) {
        var url = ""
        for part in parts {
            switch part {
            case .literal(let text): url += text
            case .placeholder(let name):
                guard let value = values[name] else { return (url, name) }
                url += Self.encode(value)
            }
        }
        return (url, nil)
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
