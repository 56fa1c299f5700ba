import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Settings and globals for rendering: by default, those of Hugging Face transformers' chat-template environment
/// (`trim_blocks`, `lstrip_blocks`, `raise_exception`, `strftime_now`, loop controls, `tojson` without HTML
/// escaping).
public struct JinjaEnvironment: Sendable {
    /// A custom filter.
    public typealias Filter = @Sendable (JinjaValue, JinjaArguments) throws(JinjaFailure) -> JinjaValue

    public var trimBlocks: Bool
    public var lstripBlocks: Bool
    /// The moment `strftime_now` formats; `nil` means the current time.
    public var now: Date?
    var globals: [String: JinjaValue]
    var filters: [String: Filter] = [:]
    /// Iterating an undefined value yields nothing (jinja2's default `Undefined`).
    var lenientUndefinedIteration = true

    /// The environment transformers uses for chat templates.
    public static func huggingFace(now: Date? = nil) -> JinjaEnvironment {
        JinjaEnvironment(trimBlocks: true, lstripBlocks: true, now: now)
    }

    public init(trimBlocks: Bool = false, lstripBlocks: Bool = false, now: Date? = nil) {
        self.trimBlocks = trimBlocks
        self.lstripBlocks = lstripBlocks
        self.now = now
        globals = Self.standardGlobals(now: now)
    }

    private static func standardGlobals(now: Date?) -> [String: JinjaValue] {
        func function(_ name: String, _ body: @escaping (JinjaArguments) throws(JinjaFailure) -> JinjaValue)
            -> JinjaValue
        {
            .callable(JinjaCallable(name: name, body: body))
        }
        return [
            "raise_exception": function("raise_exception") { arguments throws(JinjaFailure) in
                throw JinjaFailure(kind: .raised, detail: arguments.positional.first?.pythonString ?? "")
            },
            "strftime_now": function("strftime_now") { arguments throws(JinjaFailure) in
                .string(strftime(arguments.positional.first?.pythonString ?? "", date: now))
            },
            "range": function("range") { arguments throws(JinjaFailure) in
                let numbers = arguments.positional.compactMap(JinjaOperations.integer)
                guard numbers.count == arguments.positional.count, (1...3).contains(numbers.count) else {
                    throw .runtime("range() takes 1 to 3 integer arguments")
                }
                let (start, stop) = numbers.count == 1 ? (0, numbers[0]) : (numbers[0], numbers[1])
                let step = numbers.count == 3 ? numbers[2] : 1
                guard step != 0 else { throw .runtime("range() arg 3 must not be zero") }
                guard (stop - start) / step < 1_000_000 else { throw .runtime("range() is too large") }
                return .list(Swift.stride(from: start, to: stop, by: step).map { .int($0) })
            },
            "namespace": function("namespace") { arguments throws(JinjaFailure) in
                let namespace = JinjaNamespace()
                if case .dict(let initial)? = arguments.positional.first { namespace.attributes = initial }
                for (key, value) in arguments.keyword { namespace.attributes[key] = value }
                return .namespace(namespace)
            },
            "dict": function("dict") { arguments throws(JinjaFailure) in
                var dict = JinjaDict()
                if case .dict(let initial)? = arguments.positional.first { dict = initial }
                for (key, value) in arguments.keyword { dict[key] = value }
                return .dict(dict)
            },
        ]
    }

    /// Registers a filter that templates can call as `value | name(arguments)`.
    public mutating func addFilter(_ name: String, _ filter: @escaping Filter) {
        filters[name] = filter
    }

    /// Adds or replaces a global variable or function.
    public mutating func setGlobal(_ name: String, _ value: JinjaValue) {
        globals[name] = value
    }

    /// C `strftime` of `date` (or now) in local time, as Python's `datetime.now().strftime` does.
    static func strftime(_ format: String, date: Date?) -> String {
        var seconds = time_t((date ?? Date()).timeIntervalSince1970)
        var parts = tm()
        if date != nil { gmtime_r(&seconds, &parts) } else { localtime_r(&seconds, &parts) }
        var buffer = [CChar](repeating: 0, count: 512)
        let count = buffer.withUnsafeMutableBufferPointer { pointer in
            Foundation.strftime(pointer.baseAddress, pointer.count, format, &parts)
        }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
