import Foundation
import GRDB

/// A knowledge graph in an in-memory SQLite database (tables `entities`, `entity_types`, `relations`, `edges`,
/// `attribute_values`) built from `KGGraphData` once per environment; each episode queries its own copy, so
/// episodes never share state. Edges are stored in both directions, each under its own relation name, as Freebase
/// stores reverse properties.
final class KGGraphStore: Sendable {
    private let database: DatabaseQueue

    init(_ data: KGGraphData) throws {
        database = try DatabaseQueue()
        try database.write { db in
            try db.execute(sql: """
                CREATE TABLE entities (id TEXT PRIMARY KEY, name TEXT NOT NULL);
                CREATE TABLE entity_types (entity TEXT NOT NULL, type TEXT NOT NULL);
                CREATE TABLE relations (name TEXT PRIMARY KEY, range_type TEXT NOT NULL);
                CREATE TABLE edges (subject TEXT NOT NULL, relation TEXT NOT NULL, object TEXT NOT NULL);
                CREATE INDEX edges_by_subject ON edges (subject, relation);
                CREATE TABLE attribute_values (entity TEXT NOT NULL, attribute TEXT NOT NULL,
                    value_type TEXT NOT NULL, text_value TEXT NOT NULL, sort_key REAL);
                CREATE INDEX values_by_entity ON attribute_values (entity, attribute);
                """)
            let entity = try db.makeStatement(sql: "INSERT INTO entities (id, name) VALUES (?, ?)")
            let type = try db.makeStatement(sql: "INSERT INTO entity_types (entity, type) VALUES (?, ?)")
            for item in data.entities {
                try entity.execute(arguments: [item.id, item.name])
                for name in item.types { try type.execute(arguments: [item.id, name]) }
            }
            let relation = try db.makeStatement(sql: "INSERT OR REPLACE INTO relations (name, range_type) VALUES (?, ?)")
            var reverseOf: [String: String] = [:]
            for item in data.relations {
                try relation.execute(arguments: [item.name, item.range])
                try relation.execute(arguments: [item.reverse, item.reverseRange])
                reverseOf[item.name] = item.reverse
            }
            let edge = try db.makeStatement(sql: "INSERT INTO edges (subject, relation, object) VALUES (?, ?, ?)")
            for item in data.edges {
                try edge.execute(arguments: [item.subject, item.relation, item.object])
                if let reverse = reverseOf[item.relation] {
                    try edge.execute(arguments: [item.object, reverse, item.subject])
                }
            }
            let value = try db.makeStatement(sql: """
                INSERT INTO attribute_values (entity, attribute, value_type, text_value, sort_key)
                VALUES (?, ?, ?, ?, ?)
                """)
            for item in data.values {
                try value.execute(arguments: [item.entity, item.attribute, item.type.rawValue, item.text, item.sortKey])
            }
        }
    }

    /// A private copy of `template` (SQLite's backup API copies its pages), for a new episode.
    init(copying template: KGGraphStore) throws {
        database = try DatabaseQueue()
        try template.database.backup(to: database)
    }

    /// How many entities the graph holds.
    func entityCount() throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM entities") ?? 0 }
    }

    /// The ids among `ids` that are entities of the graph.
    func existing(_ ids: [String]) throws -> Set<String> {
        if ids.isEmpty { return [] }
        return try database.read { db in
            Set(try String.fetchAll(db, sql: "SELECT id FROM entities WHERE id IN \(Self.placeholders(ids.count))",
                                    arguments: StatementArguments(ids)))
        }
    }

    /// Entity names by id, for the ids that exist.
    func names(_ ids: [String]) throws -> [String: String] {
        if ids.isEmpty { return [:] }
        return try database.read { db in
            var names: [String: String] = [:]
            let rows = try Row.fetchAll(db, sql: "SELECT id, name FROM entities WHERE id IN \(Self.placeholders(ids.count))",
                                        arguments: StatementArguments(ids))
            for row in rows {
                if let id: String = row["id"], let name: String = row["name"] { names[id] = name }
            }
            return names
        }
    }

    /// The relations leaving any of `ids` (forward and reverse names alike), sorted.
    func relations(of ids: [String]) throws -> [String] {
        if ids.isEmpty { return [] }
        return try database.read { db in
            try String.fetchAll(db, sql: """
                SELECT DISTINCT relation FROM edges WHERE subject IN \(Self.placeholders(ids.count)) ORDER BY relation
                """, arguments: StatementArguments(ids))
        }
    }

    /// The entities reached from any of `ids` through `relation`, sorted.
    func neighbors(of ids: [String], through relation: String) throws -> [String] {
        if ids.isEmpty { return [] }
        return try database.read { db in
            try String.fetchAll(db, sql: """
                SELECT DISTINCT object FROM edges WHERE relation = ? AND subject IN \(Self.placeholders(ids.count))
                ORDER BY object
                """, arguments: StatementArguments([relation] + ids))
        }
    }

    /// The type of the entities a relation leads to.
    func rangeType(of relation: String) throws -> String? {
        return try database.read { db in
            try String.fetchOne(db, sql: "SELECT range_type FROM relations WHERE name = ?", arguments: [relation])
        }
    }

    /// The comparable (number and date) attributes that any of `ids` has, sorted.
    func comparableAttributes(of ids: [String]) throws -> [String] {
        if ids.isEmpty { return [] }
        return try database.read { db in
            try String.fetchAll(db, sql: """
                SELECT DISTINCT attribute FROM attribute_values
                WHERE sort_key IS NOT NULL AND entity IN \(Self.placeholders(ids.count)) ORDER BY attribute
                """, arguments: StatementArguments(ids))
        }
    }

    /// The members of `ids` whose value of `attribute` is the largest (`largest`) or smallest; all of them on a tie.
    func extreme(of ids: [String], attribute: String, largest: Bool) throws -> [String] {
        if ids.isEmpty { return [] }
        return try database.read { db in
            let best = largest ? "MAX" : "MIN"
            let list = Self.placeholders(ids.count)
            return try String.fetchAll(db, sql: """
                SELECT DISTINCT entity FROM attribute_values
                WHERE attribute = ? AND entity IN \(list) AND sort_key = (
                    SELECT \(best)(sort_key) FROM attribute_values WHERE attribute = ? AND entity IN \(list))
                ORDER BY entity
                """, arguments: StatementArguments([attribute] + ids + [attribute] + ids))
        }
    }

    /// The value of `attribute` for `entity`, as written in the data file.
    func value(of entity: String, attribute: String) throws -> String? {
        return try database.read { db in
            try String.fetchOne(db, sql: "SELECT text_value FROM attribute_values WHERE entity = ? AND attribute = ?",
                                arguments: [entity, attribute])
        }
    }

    private static func placeholders(_ count: Int) -> String {
        "(" + Array(repeating: "?", count: max(count, 1)).joined(separator: ", ") + ")"
    }
}
