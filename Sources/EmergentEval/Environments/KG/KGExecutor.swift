import Foundation

/// A set of entities (or a number, for `count`) that a query produced, with its type: AgentBench's `#n`.
struct KGVariable: Sendable, Hashable {
    /// Entity ids, sorted; for a number, its decimal text.
    var members: [String]
    /// The entity type (`film.film`), or `type.int` for a count.
    var type: String

    var isNumber: Bool { type == KGVariable.numberType }
    static let numberType = "type.int"
}

/// Runs the seven knowledge-base functions against one episode's graph and keeps its variables. An action that
/// cannot run gives an error observation and changes nothing, as in AgentBench v0.2 (the episode goes on).
struct KGExecutor {
    let store: KGGraphStore
    /// Entity names the question gives, which arguments may use instead of ids.
    let entityIDs: [String: String]
    private(set) var variables: [KGVariable] = []

    /// The same names lowercased, for arguments that change the case of a name.
    let entityIDsByLowercasedName: [String: String]

    init(store: KGGraphStore, entities: [KGTask.Entity]) {
        self.store = store
        var ids: [String: String] = [:]
        var lowercased: [String: String] = [:]
        for entity in entities {
            ids[entity.name] = entity.id
            lowercased[entity.name.lowercased()] = entity.id
        }
        entityIDs = ids
        entityIDsByLowercasedName = lowercased
    }

    /// An argument after resolution: an existing variable or an entity of the graph.
    private enum Operand {
        case variable(Int, KGVariable)
        case entity(String)

        var members: [String] {
            switch self {
            case .variable(_, let variable): variable.members
            case .entity(let id): [id]
            }
        }
    }

    /// Why an action cannot run; becomes the observation.
    private struct Refusal: Error {
        var reason: String
        var hint = "You may have made a mistake; fix it and try again."
    }

    /// Runs `call` and returns the observation. Only database failures throw.
    mutating func run(_ call: KGParsedCall) throws -> String {
        guard let function = KGFunction(rawValue: call.name) else {
            return "\(call.text) cannot be executed: there is no function '\(call.name)'. The functions are "
                + "\(KGFunction.namesList). Fix the action and try again."
        }
        guard call.arguments.count == function.parameters.count else {
            return "\(call.text) cannot be executed: \(function.rawValue) takes \(function.parameters.count) "
                + "argument(s) (\(function.parameters.joined(separator: ", "))), not \(call.arguments.count). "
                + "Fix the action and try again."
        }
        do {
            return try execute(function, call.arguments)
        } catch let refusal as Refusal {
            return "\(call.text) cannot be executed: \(refusal.reason). \(refusal.hint)"
        }
    }

    private mutating func execute(_ function: KGFunction, _ arguments: [String]) throws -> String {
        switch function {
        case .getRelations:
            let operand = try resolve(arguments[0], for: function)
            return "Observation: [\(try store.relations(of: operand.members).joined(separator: ", "))]"
        case .getNeighbors:
            let operand = try resolve(arguments[0], for: function)
            let relation = arguments[1]
            guard try store.relations(of: operand.members).contains(relation) else {
                throw Refusal(reason: "'\(relation)' is not a relation of \(arguments[0])",
                              hint: "Use get_relations(\(arguments[0])) to see its relations.")
            }
            let type = try store.rangeType(of: relation) ?? "type.object"
            return add(KGVariable(members: try store.neighbors(of: operand.members, through: relation), type: type))
        case .intersection:
            let (_, first) = try variable(arguments[0], function)
            let (_, second) = try variable(arguments[1], function)
            guard first.type == second.type else {
                throw Refusal(reason: "the two variables are not of the same type (\(arguments[0]) holds "
                                  + "\(first.type), \(arguments[1]) holds \(second.type))",
                              hint: "You may explore them further with get_relations.")
            }
            let common = Set(second.members)
            return add(KGVariable(members: first.members.filter(common.contains), type: first.type))
        case .getAttributes:
            let (_, set) = try variable(arguments[0], function)
            return "Observation: [\(try store.comparableAttributes(of: set.members).joined(separator: ", "))]"
        case .argmax, .argmin:
            let (_, set) = try variable(arguments[0], function)
            let attribute = arguments[1]
            guard try store.comparableAttributes(of: set.members).contains(attribute) else {
                throw Refusal(reason: "'\(attribute)' is not a numerical attribute of \(arguments[0])",
                              hint: "Use get_attributes(\(arguments[0])) to see its attributes.")
            }
            let best = try store.extreme(of: set.members, attribute: attribute, largest: function == .argmax)
            return add(KGVariable(members: best, type: set.type))
        case .count:
            let (_, set) = try variable(arguments[0], function)
            return add(KGVariable(members: [String(set.members.count)], type: KGVariable.numberType))
        }
    }

    private mutating func add(_ variable: KGVariable) -> String {
        variables.append(variable)
        let name = "#\(variables.count - 1)"
        if variable.isNumber { return "Observation: variable \(name), which is a number" }
        return "Observation: variable \(name), which are instances of \(variable.type)"
    }

    /// A `#n` argument that must name an existing set of entities (not an entity, not a number).
    private func variable(_ argument: String, _ function: KGFunction) throws -> (Int, KGVariable) {
        guard case .variable(let index, let variable) = try resolve(argument, for: function) else {
            throw Refusal(reason: "'\(argument)' is not a variable; \(function.rawValue) needs a variable such as #0")
        }
        return (index, variable)
    }

    private func resolve(_ argument: String, for function: KGFunction) throws -> Operand {
        if argument.hasPrefix("#") {
            guard let index = KGActionParser.variableIndex(argument), index < variables.count else {
                let known = variables.isEmpty ? "no variables exist yet" : "the variables are #0 to #\(variables.count - 1)"
                throw Refusal(reason: "\(argument) is not a variable (\(known))")
            }
            let variable = variables[index]
            if variable.isNumber { throw Refusal(reason: "\(argument) is a number, not a set of entities") }
            return .variable(index, variable)
        }
        // get_relations and get_neighbors take entities too; the others need a variable (as in AgentBench).
        guard function == .getRelations || function == .getNeighbors else {
            throw Refusal(reason: "'\(argument)' is not a variable; \(function.rawValue) needs a variable such as #0")
        }
        let id = entityIDs[argument] ?? entityIDsByLowercasedName[argument.lowercased()] ?? argument
        guard KGExecutor.looksLikeEntityID(id) else {
            throw Refusal(reason: "'\(argument)' is neither a variable (#n), an entity named in the question, nor an "
                              + "entity id")
        }
        guard try store.existing([id]).contains(id) else {
            throw Refusal(reason: "entity \(id) is not in this knowledge graph")
        }
        return .entity(id)
    }

    /// Freebase-style ids: `m.` or `f.` and word characters (`m.0kg061`).
    static func looksLikeEntityID(_ text: String) -> Bool {
        guard text.hasPrefix("m.") || text.hasPrefix("f.") else { return false }
        let rest = text.dropFirst(2)
        return !rest.isEmpty && rest.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }
}
