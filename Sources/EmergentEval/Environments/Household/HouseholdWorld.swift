import Foundation

/// A receptacle of the room: a place the agent can go to, and hold objects ("cabinet 3", "countertop 1").
public struct HouseholdReceptacle: Sendable, Hashable {
    public var kind: String
    public var number: Int
    public var openable: Bool
    public var isOpen: Bool
    /// The objects in or on it, in the order an observation lists them (indices into `HouseholdWorld.objects`).
    public var contents: [Int]

    public var name: String { "\(kind) \(number)" }
}

/// An object of the room ("apple 1") and its states.
public struct HouseholdObject: Sendable, Hashable {
    public var kind: String
    public var number: Int
    /// The receptacle it is in or on (an index into `HouseholdWorld.receptacles`); `nil` while the agent holds it.
    public var container: Int?
    public var isHot = false
    public var isCool = false
    public var isClean = false
    /// For a lamp: whether it is switched on.
    public var isOn = false

    public var name: String { "\(kind) \(number)" }
    public var pickupable: Bool { kind != HouseholdCatalog.lamp }
    public var toggleable: Bool { kind == HouseholdCatalog.lamp }
}

/// One command the world accepts, with its targets resolved to indices.
public enum HouseholdCommand: Sendable, Hashable {
    case goTo(Int)
    case open(Int)
    case close(Int)
    case take(object: Int, from: Int)
    case put(object: Int, into: Int)
    case heat(object: Int, with: Int)
    case cool(object: Int, with: Int)
    case clean(object: Int, with: Int)
    case use(object: Int)
    case examineReceptacle(Int)
    case examineObject(Int)
    case inventory
    case look
}

/// The state of a household room: receptacles, objects, where the agent stands and what it holds. It lists the
/// admissible commands in ALFWorld's wording and applies them; anything else gets "Nothing happens.".
public struct HouseholdWorld: Sendable, Hashable {
    public var receptacles: [HouseholdReceptacle]
    public var objects: [HouseholdObject]
    /// The receptacle the agent stands at; `nil` in the middle of the room (the start).
    public var location: Int?
    /// The object in the agent's hand (it holds at most one).
    public var held: Int?

    public static let nothingHappens = "Nothing happens."

    public init(receptacles: [HouseholdReceptacle], objects: [HouseholdObject]) {
        self.receptacles = receptacles
        self.objects = objects
    }

    // MARK: Descriptions

    /// "a apple 1, a knife 2, and a mug 1" (ALFWorld always writes "a"), or "nothing".
    static func list(_ names: [String]) -> String {
        let items = names.map { "a \($0)" }
        switch items.count {
        case 0: return "nothing"
        case 1: return items[0]
        default: return items.dropLast().joined(separator: ", ") + ", and " + (items.last ?? "")
        }
    }

    /// The opening view: "You are in the middle of a room. Looking quickly around you, you see a cabinet 2, …".
    public var roomDescription: String {
        "You are in the middle of a room. Looking quickly around you, you see \(Self.list(receptacles.map(\.name)))."
    }

    func isAccessible(_ receptacle: Int) -> Bool {
        !receptacles[receptacle].openable || receptacles[receptacle].isOpen
    }

    /// What the agent sees at a receptacle: its contents, or that it is closed.
    func describe(_ index: Int) -> String {
        let receptacle = receptacles[index]
        let contents = Self.list(receptacle.contents.map { objects[$0].name })
        if receptacle.openable {
            return receptacle.isOpen
                ? "The \(receptacle.name) is open. In it, you see \(contents)."
                : "The \(receptacle.name) is closed."
        }
        return "On the \(receptacle.name), you see \(contents)."
    }

    func describeObject(_ index: Int) -> String {
        let object = objects[index]
        if object.toggleable { return "This \(object.name) is \(object.isOn ? "on" : "off")." }
        var states: [String] = []
        if object.isHot { states.append("hot") }
        if object.isCool { states.append("cool") }
        if object.isClean { states.append("clean") }
        if states.isEmpty { return "There's nothing special about \(object.name)." }
        return "This is a \(states.joined(separator: " and ")) \(object.name)."
    }

    // MARK: Admissible commands

    /// Every command that does something in this state, with its text, sorted by text (as ALFWorld lists them).
    public func admissible() -> [(text: String, command: HouseholdCommand)] {
        var commands: [(String, HouseholdCommand)] = [("inventory", .inventory), ("look", .look)]
        for (index, receptacle) in receptacles.enumerated() {
            commands.append(("go to \(receptacle.name)", .goTo(index)))
        }
        if let here = location {
            let receptacle = receptacles[here]
            commands.append(("examine \(receptacle.name)", .examineReceptacle(here)))
            if receptacle.openable {
                commands.append(receptacle.isOpen ? ("close \(receptacle.name)", .close(here))
                                                  : ("open \(receptacle.name)", .open(here)))
            }
            if isAccessible(here) {
                for item in receptacle.contents {
                    let object = objects[item]
                    commands.append(("examine \(object.name)", .examineObject(item)))
                    if object.toggleable { commands.append(("use \(object.name)", .use(object: item))) }
                    if held == nil && object.pickupable {
                        commands.append(("take \(object.name) from \(receptacle.name)", .take(object: item, from: here)))
                    }
                }
            }
            if let hand = held {
                let object = objects[hand]
                if isAccessible(here) && HouseholdCatalog.canContain(receptacle.kind, object.kind) {
                    commands.append(("put \(object.name) in/on \(receptacle.name)", .put(object: hand, into: here)))
                }
                switch receptacle.kind {
                case "microwave" where HouseholdCatalog.heatable.contains(object.kind):
                    commands.append(("heat \(object.name) with \(receptacle.name)", .heat(object: hand, with: here)))
                case "fridge" where HouseholdCatalog.coolable.contains(object.kind):
                    commands.append(("cool \(object.name) with \(receptacle.name)", .cool(object: hand, with: here)))
                case "sinkbasin" where HouseholdCatalog.cleanable.contains(object.kind):
                    commands.append(("clean \(object.name) with \(receptacle.name)", .clean(object: hand, with: here)))
                default: break
                }
            }
        }
        if let hand = held { commands.append(("examine \(objects[hand].name)", .examineObject(hand))) }
        var seen = Set<String>()
        return commands.filter { seen.insert($0.0).inserted }.sorted { $0.0 < $1.0 }
            .map { (text: $0.0, command: $0.1) }
    }

    /// The admissible command texts only.
    public var admissibleTexts: [String] { admissible().map(\.text) }

    // MARK: Acting

    /// Applies a command written as text: one of the admissible commands does its effect, anything else gets
    /// "Nothing happens." and changes nothing.
    public mutating func execute(_ text: String) -> String {
        guard let match = admissible().first(where: { $0.text == text }) else { return Self.nothingHappens }
        return apply(match.command)
    }

    private mutating func apply(_ command: HouseholdCommand) -> String {
        switch command {
        case .goTo(let index):
            location = index
            return describe(index)
        case .open(let index):
            receptacles[index].isOpen = true
            return "You open the \(receptacles[index].name). \(describe(index))"
        case .close(let index):
            receptacles[index].isOpen = false
            return "You close the \(receptacles[index].name)."
        case .take(let item, let from):
            receptacles[from].contents.removeAll { $0 == item }
            objects[item].container = nil
            held = item
            return "You pick up the \(objects[item].name) from the \(receptacles[from].name)."
        case .put(let item, let into):
            receptacles[into].contents.insert(item, at: 0)
            objects[item].container = into
            held = nil
            return "You put the \(objects[item].name) in/on the \(receptacles[into].name)."
        case .heat(let item, let with):
            objects[item].isHot = true
            objects[item].isCool = false
            return "You heat the \(objects[item].name) using the \(receptacles[with].name)."
        case .cool(let item, let with):
            objects[item].isCool = true
            objects[item].isHot = false
            return "You cool the \(objects[item].name) using the \(receptacles[with].name)."
        case .clean(let item, let with):
            objects[item].isClean = true
            return "You clean the \(objects[item].name) using the \(receptacles[with].name)."
        case .use(let item):
            objects[item].isOn.toggle()
            return "You turn \(objects[item].isOn ? "on" : "off") the \(objects[item].name)."
        case .examineReceptacle(let index):
            return describe(index)
        case .examineObject(let item):
            return describeObject(item)
        case .inventory:
            guard let hand = held else { return "You are not carrying anything." }
            return "You are carrying: a \(objects[hand].name)."
        case .look:
            guard let here = location else { return roomDescription }
            return "You are facing the \(receptacles[here].name). Next to it, you see nothing."
        }
    }

    // MARK: Queries

    func receptacleIndex(named name: String) -> Int? { receptacles.firstIndex { $0.name == name } }
    func objectIndex(named name: String) -> Int? { objects.firstIndex { $0.name == name } }
}
