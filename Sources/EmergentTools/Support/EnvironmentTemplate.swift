import Foundation

/// `${NAME}` references in configuration text (header values, API keys), filled from the environment when
/// the configuration is loaded, so secrets stay out of agent files.
enum EnvironmentTemplate {
    /// The names referenced in `text`, in order.
    static func variables(in text: String) -> [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else { break }
            names.append(String(rest[start.upperBound..<end]))
            rest = rest[rest.index(after: end)...]
        }
        return names
    }

    /// `text` with every `${NAME}` replaced by its value; the first unset (or empty) name is returned in `missing`.
    static func expand(_ text: String, environment: [String: String]) -> (text: String, missing: String?) {
        var output = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else { break }
            output += rest[..<start.lowerBound]
            let name = String(rest[start.upperBound..<end])
            guard let value = environment[name], !value.isEmpty else { return (text, name) }
            output += value
            rest = rest[rest.index(after: end)...]
        }
        output += rest
        return (output, nil)
    }
}
