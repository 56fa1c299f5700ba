import EmergentCore

/// Reads one JSON object of a request, field by field, with errors that name the field and what was expected.
///
/// Fields are tracked as they are read; `rejectUnknown()` then refuses anything the endpoint does not know, the way
/// OpenAI answers "Unrecognized request argument".
struct RequestFields {
    let object: JSONObject
    /// The dotted path of this object inside the request (empty at the top).
    let path: String
    private var read: Set<String> = []

    init(_ value: JSONValue, path: String = "") throws(APIError) {
        guard case .object(let object) = value else {
            throw .invalid(path.isEmpty ? nil : path, "\(path.isEmpty ? "The request body" : "'\(path)'") must be a JSON object, not \(value.typeName).", code: "invalid_type")
        }
        self.object = object
        self.path = path
    }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The raw value, or `nil` when absent or null.
    mutating func value(_ key: String) -> JSONValue? {
        read.insert(key)
        guard let value = object[key], value != .null else { return nil }
        return value
    }

    mutating func has(_ key: String) -> Bool { value(key) != nil }

    mutating func string(_ key: String) throws(APIError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else { throw typeError(key, "a string", value) }
        return text
    }

    mutating func requiredString(_ key: String) throws(APIError) -> String {
        guard let text = try string(key) else { throw missing(key) }
        return text
    }

    mutating func bool(_ key: String) throws(APIError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let flag) = value else { throw typeError(key, "true or false", value) }
        return flag
    }

    mutating func int(_ key: String, in range: ClosedRange<Int>) throws(APIError) -> Int? {
        guard let value = value(key) else { return nil }
        guard let number = value.intValue else { throw typeError(key, "an integer", value) }
        guard range.contains(number) else {
            throw .invalid(name(key), "'\(name(key))' is \(number), but must be \(Self.describe(range)).")
        }
        return number
    }

    mutating func double(_ key: String, in range: ClosedRange<Double>) throws(APIError) -> Double? {
        guard let value = value(key) else { return nil }
        guard let number = value.doubleValue else { throw typeError(key, "a number", value) }
        guard range.contains(number) else {
            throw .invalid(
                name(key), "'\(name(key))' is \(number), but must be between \(range.lowerBound) and \(range.upperBound).")
        }
        return number
    }

    mutating func array(_ key: String) throws(APIError) -> [JSONValue]? {
        guard let value = value(key) else { return nil }
        guard case .array(let items) = value else { throw typeError(key, "an array", value) }
        return items
    }

    mutating func object(_ key: String) throws(APIError) -> RequestFields? {
        guard let value = value(key) else { return nil }
        return try RequestFields(value, path: name(key))
    }

    /// `stop`: a string or an array of up to `limit` strings.
    mutating func stopStrings(_ key: String, limit: Int = 16) throws(APIError) -> [String] {
        guard let value = value(key) else { return [] }
        switch value {
        case .string(let text): return [text]
        case .array(let items):
            guard items.count <= limit else {
                throw .invalid(name(key), "'\(name(key))' has \(items.count) entries; at most \(limit) are allowed.")
            }
            var stops: [String] = []
            for (index, item) in items.enumerated() {
                guard case .string(let text) = item else {
                    throw .invalid("\(name(key)).\(index)", "'\(name(key))' must hold strings only.", code: "invalid_type")
                }
                stops.append(text)
            }
            return stops.filter { !$0.isEmpty }
        default: throw typeError(key, "a string or an array of strings", value)
        }
    }

    /// The sampling fields both completion endpoints share (OpenAI's plus vLLM's `top_k`, `min_p`,
    /// `repetition_penalty`). OpenAI's default temperature is 1.
    mutating func sampling() throws(APIError) -> SamplingParameters {
        var sampling = SamplingParameters()
        sampling.temperature = try double("temperature", in: 0...2) ?? 1
        sampling.topP = try double("top_p", in: 0...1) ?? 1
        sampling.topK = try int("top_k", in: 0...Int.max) ?? 0
        sampling.minP = try double("min_p", in: 0...1) ?? 0
        sampling.repeatPenalty = try double("repetition_penalty", in: 0.01...10) ?? 1
        sampling.presencePenalty = try double("presence_penalty", in: -2...2) ?? 0
        sampling.frequencyPenalty = try double("frequency_penalty", in: -2...2) ?? 0
        if let seed = try int("seed", in: Int.min...Int.max) { sampling.seed = UInt32(truncatingIfNeeded: seed) }
        return sampling
    }

    /// `stream` and `stream_options.include_usage`.
    mutating func streaming() throws(APIError) -> (stream: Bool, includeUsage: Bool) {
        let stream = try bool("stream") ?? false
        guard var options = try object("stream_options") else { return (stream, false) }
        let includeUsage = try options.bool("include_usage") ?? false
        try options.rejectUnknown(ignoring: ["continuous_usage_stats"])
        return (stream, includeUsage)
    }

    func missing(_ key: String) -> APIError {
        .invalid(name(key), "'\(name(key))' is required.", code: "missing_required_parameter")
    }

    func typeError(_ key: String, _ expected: String, _ value: JSONValue) -> APIError {
        .invalid(name(key), "'\(name(key))' must be \(expected), not \(value.typeName).", code: "invalid_type")
    }

    /// Refuses fields that were never read (and are not in `ignored`).
    func rejectUnknown(ignoring ignored: Set<String> = []) throws(APIError) {
        for key in object.keys where !read.contains(key) && !ignored.contains(key) {
            throw .invalid(
                name(key), "Unrecognized request argument supplied: '\(name(key))'.", code: "unknown_parameter")
        }
    }

    private static func describe(_ range: ClosedRange<Int>) -> String {
        if range.upperBound == Int.max { return "at least \(range.lowerBound)" }
        return "between \(range.lowerBound) and \(range.upperBound)"
    }
}
