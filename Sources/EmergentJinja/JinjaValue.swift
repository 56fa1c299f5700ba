import Foundation

/// A value inside a template: Python's data model, as jinja2 sees it.
public enum JinjaValue: Sendable {
    /// A missing variable or attribute; the name is kept for error messages.
    case undefined(String)
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([JinjaValue])
    case tuple([JinjaValue])
    case dict(JinjaDict)
    /// A string marked safe (`|safe`, markupsafe's `Markup`): `+` with a plain string HTML-escapes the other side.
    case markup(String)
    /// A lazy sequence (`select`, `map`, …): iterable once, but with no length, no index and no JSON form.
    case iterator([JinjaValue])
    case namespace(JinjaNamespace)
    case callable(JinjaCallable)

    /// Python truthiness.
    public var isTruthy: Bool {
        switch self {
        case .undefined, .none: false
        case .bool(let value): value
        case .int(let value): value != 0
        case .double(let value): value != 0
        case .string(let value), .markup(let value): !value.isEmpty
        case .iterator: true
        case .list(let values), .tuple(let values): !values.isEmpty
        case .dict(let dict): !dict.isEmpty
        case .namespace, .callable: true
        }
    }

    /// The value with a `Markup` string treated as a plain string.
    var plain: JinjaValue {
        if case .markup(let text) = self { return .string(text) }
        return self
    }

    var isUndefined: Bool {
        if case .undefined = self { return true }
        return false
    }

    var isNone: Bool {
        if case .none = self { return true }
        return false
    }

    /// Python's type name, for error messages.
    public var typeName: String {
        switch self {
        case .undefined: "Undefined"
        case .none: "NoneType"
        case .bool: "bool"
        case .int: "int"
        case .double: "float"
        case .string: "str"
        case .markup: "Markup"
        case .iterator: "generator"
        case .list: "list"
        case .tuple: "tuple"
        case .dict: "dict"
        case .namespace: "Namespace"
        case .callable: "function"
        }
    }

    /// The elements when iterating (dicts iterate over keys, strings over characters).
    func iterate() throws(JinjaFailure) -> [JinjaValue] {
        switch self {
        case .list(let values), .tuple(let values), .iterator(let values): return values
        case .dict(let dict): return dict.keys.map(\.value)
        case .string(let text), .markup(let text): return text.unicodeScalars.map { .string(String($0)) }
        case .undefined: return []
        default: throw .runtime("'\(typeName)' object is not iterable")
        }
    }
}

/// A dictionary key: the hashable subset of values.
public enum JinjaKey: Hashable, Sendable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case none

    init?(_ value: JinjaValue) {
        switch value {
        case .string(let text), .markup(let text): self = .string(text)
        case .int(let number): self = .int(number)
        case .bool(let flag): self = .bool(flag)
        case .none: self = .none
        case .double(let number) where number == number.rounded() && abs(number) < 1e18: self = .int(Int(number))
        default: return nil
        }
    }

    var value: JinjaValue {
        switch self {
        case .string(let text): .string(text)
        case .int(let number): .int(number)
        case .bool(let flag): .bool(flag)
        case .none: .none
        }
    }
}

/// An insertion-ordered dictionary, like Python's `dict`.
public struct JinjaDict: Sendable {
    public private(set) var keys: [JinjaKey] = []
    private var storage: [JinjaKey: JinjaValue] = [:]

    public init() {}

    public init(_ pairs: [(String, JinjaValue)]) {
        for (key, value) in pairs { self[.string(key)] = value }
    }

    public var isEmpty: Bool { keys.isEmpty }
    public var count: Int { keys.count }

    public subscript(key: JinjaKey) -> JinjaValue? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    public subscript(name: String) -> JinjaValue? {
        get { self[.string(name)] }
        set { self[.string(name)] = newValue }
    }

    /// Key-value pairs in insertion order.
    public var pairs: [(key: JinjaKey, value: JinjaValue)] {
        keys.compactMap { key in storage[key].map { (key, $0) } }
    }
}

/// A `namespace()` object: the one mutable container templates can assign attributes on.
public final class JinjaNamespace: @unchecked Sendable {
    var attributes = JinjaDict()
    init() {}
}

/// A function value: a built-in, a bound method, or a macro.
///
/// Macros close over the render that defined them; a template's values never outlive or leave its render, so
/// the closure is never called concurrently.
public struct JinjaCallable: @unchecked Sendable {
    let name: String
    let body: (JinjaArguments) throws(JinjaFailure) -> JinjaValue
}

/// Positional and keyword arguments of a call.
public struct JinjaArguments: Sendable {
    var positional: [JinjaValue]
    var keyword: [(String, JinjaValue)]

    /// The argument at `index`, or the keyword `name`, or nil.
    func value(_ index: Int, _ name: String) -> JinjaValue? {
        if index < positional.count { return positional[index] }
        return keyword.first { $0.0 == name }?.1
    }
}

extension JinjaValue: Equatable {
    /// Python's `==`: numbers compare by value (`1 == 1.0`), containers element by element.
    public static func == (left: JinjaValue, right: JinjaValue) -> Bool {
        JinjaOperations.equals(left, right)
    }
}
