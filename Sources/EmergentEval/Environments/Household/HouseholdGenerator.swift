import Foundation

/// A generated household task: the room in its starting state, the goal, and where they came from.
public struct HouseholdScenario: Sendable, Hashable {
    public var world: HouseholdWorld
    public var goal: HouseholdGoal
    public var scene: String
    public var seed: Int

    /// The opening text of an episode: the room, then the task.
    public var openingText: String { "\(world.roomDescription)\nYour task is to: \(goal.text)" }
}

/// Draws numbers from a seed, the same on every platform (no use of the standard library's own sampling).
struct HouseholdDice {
    private var generator: SeededGenerator

    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    mutating func below(_ bound: Int) -> Int { bound <= 1 ? 0 : Int(generator.next() % UInt64(bound)) }
    mutating func between(_ low: Int, _ high: Int) -> Int { low + below(high - low + 1) }
    mutating func chance(percent: Int) -> Bool { below(100) < percent }
    mutating func pick<T>(_ items: [T]) -> T? { items.isEmpty ? nil : items[below(items.count)] }
}

/// Makes a household room and a goal of a given type from a seed, the way ALFWorld's scenes look: receptacles of
/// the scene (some closed), the goal's objects placed away from the target (often in closed receptacles), and
/// distractor objects. The same seed and options always give the same scenario.
public struct HouseholdGenerator: Sendable {
    public var seed: Int

    public init(seed: Int) { self.seed = seed }

    /// The scenes that can host a task of `type`.
    public static func scenes(for type: HouseholdTaskType) -> [HouseholdCatalog.Scene] {
        switch type {
        case .pickAndPlace, .pickTwoObjAndPlace: HouseholdCatalog.scenes
        case .lookAtObjInLight: [HouseholdCatalog.bedroom, HouseholdCatalog.livingroom]
        case .pickCleanThenPlace: [HouseholdCatalog.kitchen, HouseholdCatalog.bathroom]
        case .pickHeatThenPlace, .pickCoolThenPlace: [HouseholdCatalog.kitchen]
        }
    }

    /// Generates a scenario of `type`; `scene`, `object` and `target` pin those choices (the rest stays seeded).
    /// Throws `EnvironmentError` naming the option that does not fit.
    public func generate(type: HouseholdTaskType, scene sceneName: String? = nil, object: String? = nil,
                         target: String? = nil) throws -> HouseholdScenario {
        var dice = HouseholdDice(seed: UInt64(bitPattern: Int64(seed)) &* 0x9E37_79B9_7F4A_7C15
                                 ^ SeededGenerator.stableHash(type.rawValue))
        let allowedScenes = Self.scenes(for: type)
        let scene: HouseholdCatalog.Scene
        if let sceneName {
            guard let named = allowedScenes.first(where: { $0.name == sceneName }) else {
                throw EnvironmentError("scene '\(sceneName)' cannot host a \(type.rawValue) task; use one of "
                                       + allowedScenes.map(\.name).joined(separator: ", "))
            }
            scene = named
        } else {
            scene = dice.pick(allowedScenes) ?? HouseholdCatalog.kitchen
        }

        let receptacles = makeReceptacles(scene, &dice)
        let kindsHere = Set(receptacles.map(\.kind))
        let appliance = HouseholdGoal(type: type, object: "", target: "", phrasing: 0).appliance
        func targets(for objectKind: String) -> [String] {
            if type == .lookAtObjInLight { return [HouseholdCatalog.lamp] }
            return kindsHere.sorted().filter { $0 != appliance && HouseholdCatalog.canContain($0, objectKind) }
        }
        func startingPlaces(for objectKind: String, target: String) -> [Int] {
            receptacles.indices.filter {
                receptacles[$0].kind != target && receptacles[$0].kind != appliance
                    && HouseholdCatalog.canContain(receptacles[$0].kind, objectKind)
            }
        }
        func usable(_ kind: String) -> Bool {
            guard Self.fits(kind, type) else { return false }
            return targets(for: kind).contains { !startingPlaces(for: kind, target: $0).isEmpty }
        }

        let objectKind: String
        if let object {
            guard scene.objects.contains(object), usable(object) else {
                throw EnvironmentError("object '\(object)' does not fit a \(type.rawValue) task in the \(scene.name); "
                                       + "use one of " + scene.objects.filter(usable).joined(separator: ", "))
            }
            objectKind = object
        } else {
            guard let drawn = dice.pick(scene.objects.filter(usable)) else {
                throw EnvironmentError("the \(scene.name) has no object for a \(type.rawValue) task")
            }
            objectKind = drawn
        }
        let possibleTargets = targets(for: objectKind).filter { !startingPlaces(for: objectKind, target: $0).isEmpty }
        let targetKind: String
        if let target {
            guard possibleTargets.contains(target) else {
                throw EnvironmentError("target '\(target)' does not fit a \(type.rawValue) task with \(objectKind) in "
                                       + "the \(scene.name); use one of " + possibleTargets.joined(separator: ", "))
            }
            targetKind = target
        } else {
            targetKind = dice.pick(possibleTargets) ?? HouseholdCatalog.lamp
        }
        let goal = HouseholdGoal(type: type, object: objectKind, target: targetKind, phrasing: dice.below(2))

        var world = HouseholdWorld(receptacles: receptacles, objects: [])
        var counts: [String: Int] = [:]
        func place(_ kind: String, in receptacle: Int) {
            counts[kind, default: 0] += 1
            world.objects.append(HouseholdObject(kind: kind, number: counts[kind, default: 1], container: receptacle))
            world.receptacles[receptacle].contents.append(world.objects.count - 1)
        }
        let goalCount = type == .pickTwoObjAndPlace ? dice.between(2, 3) : dice.between(1, 2)
        let starts = startingPlaces(for: objectKind, target: targetKind)
        for _ in 0..<goalCount {
            if let start = dice.pick(starts) { place(objectKind, in: start) }
        }
        if type == .lookAtObjInLight {
            let holders = receptacles.indices.filter { scene.lampHolders.contains(receptacles[$0].kind) }
            if let holder = dice.pick(holders) { place(HouseholdCatalog.lamp, in: holder) }
        }
        let distractorKinds = scene.objects.filter { $0 != objectKind }
        for _ in 0..<dice.between(8, 14) {
            guard let kind = dice.pick(distractorKinds) else { break }
            let places = receptacles.indices.filter { HouseholdCatalog.canContain(receptacles[$0].kind, kind) }
            if let place0 = dice.pick(places) { place(kind, in: place0) }
        }
        let objects = world.objects
        for index in world.receptacles.indices {
            world.receptacles[index].contents.sort { left, right in
                let a = objects[left], b = objects[right]
                return a.kind != b.kind ? a.kind < b.kind : a.number > b.number
            }
        }
        return HouseholdScenario(world: world, goal: goal, scene: scene.name, seed: seed)
    }

    private static func fits(_ kind: String, _ type: HouseholdTaskType) -> Bool {
        switch type {
        case .pickCleanThenPlace: HouseholdCatalog.cleanable.contains(kind)
        case .pickHeatThenPlace: HouseholdCatalog.heatable.contains(kind)
        case .pickCoolThenPlace: HouseholdCatalog.coolable.contains(kind)
        case .lookAtObjInLight: HouseholdCatalog.lookable.contains(kind)
        case .pickAndPlace, .pickTwoObjAndPlace: true
        }
    }

    /// The scene's receptacles, listed as ALFWorld lists them (by kind, higher numbers first); openable ones
    /// are mostly closed.
    private func makeReceptacles(_ scene: HouseholdCatalog.Scene, _ dice: inout HouseholdDice) -> [HouseholdReceptacle] {
        var receptacles: [HouseholdReceptacle] = []
        for spec in scene.receptacles {
            let count = dice.between(spec.min, spec.max)
            guard count > 0 else { continue }
            for number in stride(from: count, through: 1, by: -1) {
                let openable = HouseholdCatalog.openable.contains(spec.kind)
                let open = openable && dice.chance(percent: spec.kind == "fridge" ? 30 : 10)
                receptacles.append(HouseholdReceptacle(kind: spec.kind, number: number, openable: openable,
                                                       isOpen: open, contents: []))
            }
        }
        return receptacles
    }
}
