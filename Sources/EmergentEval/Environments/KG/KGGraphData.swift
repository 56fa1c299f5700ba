import EmergentCore
import Foundation

/// A knowledge graph as read from its data file (`Resources/kg/graph.json`): typed entities, relations with a
/// named reverse, edges stored once (forward), and typed attribute values. `KGGraphStore` loads it into SQLite.
public struct KGGraphData: Sendable {
    /// An entity: a Freebase-style id (`m.0kg001`), a display name and its types (`film.film`, `people.person`).
    public struct Entity: Sendable, Hashable {
        public var id: String
        public var name: String
        public var types: [String]
    }

    /// A relation between entities, read forward from `domain` to `range`; `reverse` names the same edges read
    /// backward (`film.film.directed_by` / `film.director.film`), whose members have type `reverseRange`.
    public struct Relation: Sendable, Hashable {
        public var name: String
        public var domain: String
        public var range: String
        public var reverse: String
        public var reverseRange: String
    }

    /// What an attribute's values are.
    public enum ValueType: String, Sendable, Hashable, CaseIterable {
        /// A number (population, budget, height).
        case number
        /// A date written `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, ordered chronologically.
        case date
        /// Text (a code, a motto); stored but not comparable, so `get_attributes` does not list it.
        case string

        /// Whether `argmax`/`argmin` can order values of this type (AgentBench's "numerical attributes").
        public var isComparable: Bool { self != .string }
    }

    /// One attribute value of one entity.
    public struct Value: Sendable, Hashable {
        public var entity: String
        public var attribute: String
        public var type: ValueType
        /// The value as written in the data file.
        public var text: String
        /// The number, or the date as `YYYYMMDD` (missing month/day count as 0); `nil` for strings.
        public var sortKey: Double?
    }

    public var entities: [Entity]
    public var relations: [Relation]
    /// Declared attributes and their value types.
    public var attributes: [String: ValueType]
    /// `(subject, forward relation, object)`.
    public var edges: [(subject: String, relation: String, object: String)]
    public var values: [Value]

    /// Reads and checks a graph file; errors name the file, the section, the item and the field.
    public static func load(from file: URL) throws -> KGGraphData {
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw EnvironmentError("cannot read knowledge graph file \(file.path): \(error.localizedDescription)")
        }
        let root: JSONValue
        do {
            root = try JSONParser.parse(text)
        } catch {
            throw EnvironmentError("knowledge graph file \(file.path) is not valid JSON (\(error))")
        }
        return try KGGraphDataReader(file: file).read(root)
    }

    /// Parses a date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`) into its `YYYYMMDD` sort key.
    public static func dateSortKey(_ text: String) -> Double? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else {
            return nil
        }
        let numbers = parts.compactMap { Int($0) }
        guard numbers.count == parts.count else { return nil }
        let month = numbers.count > 1 ? numbers[1] : 0
        let day = numbers.count > 2 ? numbers[2] : 0
        guard month <= 12, day <= 31 else { return nil }
        return Double(numbers[0] * 10_000 + month * 100 + day)
    }
}

/// Turns the graph file's JSON into `KGGraphData`, checking every field.
private struct KGGraphDataReader {
    let file: URL

    func fail(_ where_: String, _ problem: String) -> EnvironmentError {
        EnvironmentError("\(file.path): \(where_): \(problem)")
    }

    func section(_ root: JSONObject, _ key: String) throws -> [JSONValue] {
        guard let items = root[key]?.arrayValue else { throw fail("top level", "field '\(key)' must be an array") }
        return items
    }

    func string(_ value: JSONValue?, _ where_: String, _ field: String) throws -> String {
        guard let text = value?.stringValue, !text.isEmpty else {
            throw fail(where_, "field '\(field)' must be a non-empty string")
        }
        return text
    }

    func read(_ root: JSONValue) throws -> KGGraphData {
        guard let object = root.objectValue else { throw fail("top level", "must be a JSON object") }
        var relations: [KGGraphData.Relation] = []
        for (index, item) in try section(object, "relations").enumerated() {
            let at = "relations[\(index)]"
            relations.append(KGGraphData.Relation(
                name: try string(item["name"], at, "name"), domain: try string(item["domain"], at, "domain"),
                range: try string(item["range"], at, "range"), reverse: try string(item["reverse"], at, "reverse"),
                reverseRange: try string(item["reverse_range"], at, "reverse_range")))
        }
        var attributes: [String: KGGraphData.ValueType] = [:]
        for (index, item) in try section(object, "attributes").enumerated() {
            let at = "attributes[\(index)]"
            let name = try string(item["name"], at, "name")
            let typeName = try string(item["type"], at, "type")
            guard let type = KGGraphData.ValueType(rawValue: typeName) else {
                throw fail(at, "field 'type' must be number, date or string, not '\(typeName)'")
            }
            attributes[name] = type
        }
        var entities: [KGGraphData.Entity] = []
        var ids = Set<String>()
        for (index, item) in try section(object, "entities").enumerated() {
            let at = "entities[\(index)]"
            let id = try string(item["id"], at, "id")
            guard ids.insert(id).inserted else { throw fail(at, "entity id '\(id)' appears twice") }
            guard let types = item["types"]?.arrayValue?.compactMap(\.stringValue), !types.isEmpty else {
                throw fail(at, "field 'types' must be a non-empty array of strings")
            }
            entities.append(KGGraphData.Entity(id: id, name: try string(item["name"], at, "name"), types: types))
        }
        let relationNames = Set(relations.map(\.name))
        var edges: [(subject: String, relation: String, object: String)] = []
        for (index, item) in try section(object, "edges").enumerated() {
            let at = "edges[\(index)]"
            guard let triple = item.arrayValue?.compactMap(\.stringValue), triple.count == 3 else {
                throw fail(at, "must be [subject, relation, object] strings")
            }
            guard ids.contains(triple[0]), ids.contains(triple[2]) else {
                throw fail(at, "subject and object must be entity ids of this file")
            }
            guard relationNames.contains(triple[1]) else { throw fail(at, "relation '\(triple[1])' is not declared") }
            edges.append((triple[0], triple[1], triple[2]))
        }
        var values: [KGGraphData.Value] = []
        for (index, item) in try section(object, "values").enumerated() {
            let at = "values[\(index)]"
            guard let row = item.arrayValue, row.count == 4,
                  let entity = row[0].stringValue, let attribute = row[1].stringValue, let typeName = row[2].stringValue
            else { throw fail(at, "must be [entity, attribute, type, value]") }
            guard ids.contains(entity) else { throw fail(at, "entity '\(entity)' is not in this file") }
            guard let type = attributes[attribute], type.rawValue == typeName else {
                throw fail(at, "attribute '\(attribute)' is not declared with type '\(typeName)'")
            }
            values.append(try value(row[3], entity: entity, attribute: attribute, type: type, at: at))
        }
        return KGGraphData(entities: entities, relations: relations, attributes: attributes, edges: edges,
                           values: values)
    }

    func value(_ raw: JSONValue, entity: String, attribute: String, type: KGGraphData.ValueType,
               at: String) throws -> KGGraphData.Value {
        switch type {
        case .number:
            guard let number = raw.doubleValue else { throw fail(at, "value must be a number") }
            let text = raw.intValue.map(String.init) ?? String(number)
            return KGGraphData.Value(entity: entity, attribute: attribute, type: type, text: text, sortKey: number)
        case .date:
            guard let text = raw.stringValue, let key = KGGraphData.dateSortKey(text) else {
                throw fail(at, "value must be a date string YYYY, YYYY-MM or YYYY-MM-DD")
            }
            return KGGraphData.Value(entity: entity, attribute: attribute, type: type, text: text, sortKey: key)
        case .string:
            guard let text = raw.stringValue else { throw fail(at, "value must be a string") }
            return KGGraphData.Value(entity: entity, attribute: attribute, type: type, text: text, sortKey: nil)
        }
    }
}
