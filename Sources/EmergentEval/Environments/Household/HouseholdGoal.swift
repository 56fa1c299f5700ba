import Foundation

/// ALFWorld's six task types, named as its game folders are.
public enum HouseholdTaskType: String, Sendable, Hashable, Codable, CaseIterable {
    case pickAndPlace = "pick_and_place"
    case lookAtObjInLight = "look_at_obj_in_light"
    case pickCleanThenPlace = "pick_clean_then_place"
    case pickHeatThenPlace = "pick_heat_then_place"
    case pickCoolThenPlace = "pick_cool_then_place"
    case pickTwoObjAndPlace = "pick_two_obj_and_place"
}

/// What a household task asks for, and the check of it on the world state.
public struct HouseholdGoal: Sendable, Hashable {
    public var type: HouseholdTaskType
    /// The kind of object to handle ("apple").
    public var object: String
    /// The kind of receptacle to place it in ("fridge"); for look_at_obj_in_light, the lamp ("desklamp").
    public var target: String
    /// Which of ALFWorld's two phrasings the task uses (0 or 1).
    public var phrasing: Int

    /// The goal sentence, in ALFWorld's templated wording ("put a hot apple in fridge.").
    public var text: String {
        let first = phrasing % 2 == 0
        switch type {
        case .pickAndPlace: return first ? "put a \(object) in \(target)." : "put some \(object) on \(target)."
        case .lookAtObjInLight:
            return first ? "look at \(object) under the \(target)." : "examine the \(object) with the \(target)."
        case .pickCleanThenPlace:
            return first ? "put a clean \(object) in \(target)." : "clean some \(object) and put it in \(target)."
        case .pickHeatThenPlace:
            return first ? "put a hot \(object) in \(target)." : "heat some \(object) and put it in \(target)."
        case .pickCoolThenPlace:
            return first ? "put a cool \(object) in \(target)." : "cool some \(object) and put it in \(target)."
        case .pickTwoObjAndPlace:
            return first ? "put two \(object) in \(target)." : "find two \(object) and put them in \(target)."
        }
    }

    /// Whether the world is in a goal state. Any object of the kind and any receptacle of the kind will do, as in
    /// ALFWorld's PDDL goals.
    public func isSatisfied(by world: HouseholdWorld) -> Bool {
        switch type {
        case .lookAtObjInLight:
            guard let hand = world.held, world.objects[hand].kind == object, let here = world.location else { return false }
            return world.receptacles[here].contents.contains {
                world.objects[$0].kind == target && world.objects[$0].isOn
            }
        case .pickTwoObjAndPlace:
            return world.receptacles.contains { receptacle in
                receptacle.kind == target && receptacle.contents.filter { world.objects[$0].kind == object }.count >= 2
            }
        default:
            return world.receptacles.contains { receptacle in
                receptacle.kind == target && receptacle.contents.contains { placed($0, in: world) }
            }
        }
    }

    private func placed(_ item: Int, in world: HouseholdWorld) -> Bool {
        let candidate = world.objects[item]
        guard candidate.kind == object else { return false }
        switch type {
        case .pickCleanThenPlace: return candidate.isClean
        case .pickHeatThenPlace: return candidate.isHot
        case .pickCoolThenPlace: return candidate.isCool
        default: return true
        }
    }

    /// The appliance the object must be processed with, if the type needs one.
    var appliance: String? {
        switch type {
        case .pickCleanThenPlace: "sinkbasin"
        case .pickHeatThenPlace: "microwave"
        case .pickCoolThenPlace: "fridge"
        default: nil
        }
    }
}
