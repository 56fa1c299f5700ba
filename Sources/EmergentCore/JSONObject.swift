/// A JSON object that keeps its keys in the order they were written, as Python dicts and most JSON tools do.
///
/// Order matters here: tool schemas are rendered into prompts, and structured output should list properties in
/// the order the schema declares them. Lookups go through a hash index, so access stays O(1).
public struct JSONObject: Sendable, Hashable {
    private var storage: [(key: String, value: JSONValue)] = []
    private var index: [String: Int] = [:]

    public init() {}

    /// An object from key-value pairs in order; a repeated key keeps its first position and its last value.
    public init<Pairs: Sequence>(_ pairs: Pairs) where Pairs.Element == (String, JSONValue) {
        for (key, value) in pairs { self[key] = value }
    }

    /// An object from a dictionary, with keys sorted (a dictionary has no order of its own).
    public init(_ dictionary: [String: JSONValue]) {
        self.init(dictionary.keys.sorted().map { ($0, dictionary[$0] ?? .null) })
    }

    /// The value for `key`; setting `nil` removes the key.
    public subscript(key: String) -> JSONValue? {
        get { index[key].map { storage[$0].value } }
        set {
            if let position = index[key] {
                if let newValue {
                    storage[position].value = newValue
                } else {
                    storage.remove(at: position)
                    index[key] = nil
                    for later in position..<storage.count { index[storage[later].key] = later }
                }
            } else if let newValue {
                index[key] = storage.count
                storage.append((key, newValue))
            }
        }
    }

    /// The keys, in order.
    public var keys: [String] { storage.map(\.key) }
    /// The values, in key order.
    public var values: [JSONValue] { storage.map(\.value) }
    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }

    /// The object as an (unordered) dictionary.
    public var dictionary: [String: JSONValue] {
        Dictionary(storage.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        // Key order is presentation; two objects with the same members are equal.
        lhs.count == rhs.count && lhs.storage.allSatisfy { rhs[$0.key] == $0.value }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for key in keys.sorted() {
            hasher.combine(key)
            hasher.combine(self[key])
        }
    }
}

extension JSONObject: Sequence {
    public func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> { storage.makeIterator() }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self.init(elements) }
}
