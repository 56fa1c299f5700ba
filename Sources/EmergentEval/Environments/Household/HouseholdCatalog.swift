import Foundation

/// The kinds of rooms, receptacles and objects the household generator draws from, and which object may go where.
/// Names follow ALFWorld's lower-case, one-word spelling ("sinkbasin", "peppershaker").
public enum HouseholdCatalog {
    /// A room layout: which receptacles it has (with how many of each) and which objects may appear in it.
    public struct Scene: Sendable, Hashable {
        public var name: String
        public var receptacles: [(kind: String, min: Int, max: Int)]
        public var objects: [String]
        /// Receptacle kinds a desk lamp can stand on; empty where the scene has no lamp.
        public var lampHolders: [String]

        public static func == (lhs: Scene, rhs: Scene) -> Bool { lhs.name == rhs.name }
        public func hash(into hasher: inout Hasher) { hasher.combine(name) }
    }

    public static let kitchen = Scene(
        name: "kitchen",
        receptacles: [("cabinet", 4, 8), ("coffeemachine", 1, 1), ("countertop", 1, 3), ("diningtable", 0, 1),
                      ("drawer", 2, 5), ("fridge", 1, 1), ("garbagecan", 1, 1), ("microwave", 1, 1),
                      ("shelf", 0, 3), ("sinkbasin", 1, 1), ("stoveburner", 2, 4), ("toaster", 1, 1)],
        objects: ["apple", "bowl", "bread", "butterknife", "cup", "dishsponge", "egg", "fork", "kettle", "knife",
                  "ladle", "lettuce", "mug", "pan", "peppershaker", "plate", "pot", "potato", "saltshaker",
                  "soapbottle", "spatula", "spoon", "tomato", "winebottle"],
        lampHolders: [])

    public static let bathroom = Scene(
        name: "bathroom",
        receptacles: [("bathtubbasin", 1, 1), ("cabinet", 2, 4), ("countertop", 1, 1), ("drawer", 0, 4),
                      ("garbagecan", 1, 1), ("handtowelholder", 1, 2), ("shelf", 0, 3), ("sinkbasin", 1, 2),
                      ("toilet", 1, 1), ("toiletpaperhanger", 1, 1), ("towelholder", 1, 1)],
        objects: ["candle", "cloth", "dishsponge", "handtowel", "soapbar", "soapbottle", "spraybottle",
                  "tissuebox", "toiletpaper", "towel"],
        lampHolders: [])

    public static let bedroom = Scene(
        name: "bedroom",
        receptacles: [("bed", 1, 1), ("desk", 0, 1), ("drawer", 2, 6), ("dresser", 1, 1), ("garbagecan", 1, 1),
                      ("laundryhamper", 0, 1), ("safe", 0, 1), ("shelf", 1, 4), ("sidetable", 1, 2)],
        objects: ["alarmclock", "book", "bowl", "cd", "cellphone", "creditcard", "keychain", "laptop", "mug",
                  "pen", "pencil", "pillow", "statue", "vase"],
        lampHolders: ["desk", "dresser", "sidetable"])

    public static let livingroom = Scene(
        name: "livingroom",
        receptacles: [("armchair", 1, 1), ("coffeetable", 1, 1), ("diningtable", 0, 1), ("drawer", 2, 4),
                      ("dresser", 0, 1), ("garbagecan", 1, 1), ("safe", 0, 1), ("shelf", 0, 3),
                      ("sidetable", 1, 2), ("sofa", 1, 1), ("tvstand", 1, 1)],
        objects: ["box", "cellphone", "creditcard", "keychain", "laptop", "newspaper", "pillow", "plate",
                  "remotecontrol", "statue", "vase", "watch"],
        lampHolders: ["dresser", "sidetable"])

    public static let scenes: [Scene] = [kitchen, bathroom, bedroom, livingroom]

    public static func scene(named name: String) -> Scene? { scenes.first { $0.name == name } }

    /// Receptacles that must be opened before anything inside is seen, taken or put.
    static let openable: Set<String> = ["cabinet", "drawer", "fridge", "microwave", "safe"]
    /// The lamp used by look_at_obj_in_light tasks; an object that cannot be picked up.
    static let lamp = "desklamp"

    static let heatable: Set<String> = ["apple", "bread", "cup", "egg", "mug", "plate", "potato", "tomato"]
    static let coolable: Set<String> = ["apple", "bowl", "bread", "cup", "egg", "lettuce", "mug", "pan", "plate",
                                        "pot", "potato", "tomato", "winebottle"]
    static let cleanable: Set<String> = ["apple", "bowl", "butterknife", "cloth", "cup", "dishsponge", "egg", "fork",
                                         "handtowel", "kettle", "knife", "ladle", "lettuce", "mug", "pan", "plate",
                                         "pot", "potato", "soapbar", "spatula", "spoon", "tomato"]
    /// Objects worth looking at under a lamp.
    static let lookable: Set<String> = ["alarmclock", "book", "bowl", "box", "cd", "cellphone", "creditcard",
                                        "keychain", "laptop", "mug", "newspaper", "pen", "pencil", "pillow",
                                        "plate", "remotecontrol", "statue", "vase", "watch"]

    private static let food: Set<String> = ["apple", "bread", "egg", "lettuce", "potato", "tomato"]
    private static let dishes: Set<String> = ["bowl", "cup", "mug", "plate"]
    private static let cookware: Set<String> = ["kettle", "pan", "pot"]
    private static let utensils: Set<String> = ["butterknife", "fork", "knife", "ladle", "spatula", "spoon"]
    private static let bulky: Set<String> = ["kettle", "laptop", "pan", "pillow", "pot"]
    private static let bathItems: Set<String> = ["candle", "cloth", "soapbar", "soapbottle", "spraybottle",
                                                 "tissuebox", "toiletpaper"]
    private static let seatItems: Set<String> = ["book", "box", "cellphone", "creditcard", "keychain", "laptop",
                                                 "newspaper", "pillow", "remotecontrol"]

    /// Whether an object of kind `object` can be put in or on a receptacle of kind `receptacle` (ALFWorld's
    /// `canContain`, simplified).
    static func canContain(_ receptacle: String, _ object: String) -> Bool {
        switch receptacle {
        case "fridge": return food.contains(object) || dishes.contains(object) || ["pan", "pot", "winebottle"].contains(object)
        case "microwave": return food.contains(object) || dishes.contains(object)
        case "stoveburner": return cookware.contains(object)
        case "coffeemachine": return object == "mug" || object == "cup"
        case "toaster": return object == "bread"
        case "sinkbasin": return food.contains(object) || dishes.contains(object) || cookware.contains(object)
            || utensils.contains(object) || ["cloth", "dishsponge", "soapbar"].contains(object)
        case "bathtubbasin": return ["cloth", "dishsponge", "soapbar", "soapbottle", "spraybottle"].contains(object)
        case "toilet": return bathItems.contains(object)
        case "toiletpaperhanger": return object == "toiletpaper"
        case "towelholder": return object == "towel"
        case "handtowelholder": return object == "handtowel"
        case "garbagecan": return !bulky.contains(object) && !["alarmclock", "statue", "vase", "towel"].contains(object)
        case "drawer", "safe": return !bulky.contains(object) && !["lettuce", "bread", "vase", "towel"].contains(object)
        case "sofa", "armchair", "bed": return seatItems.contains(object)
        case "laundryhamper": return ["cloth", "towel", "handtowel"].contains(object)
        default: return object != lamp
        }
    }
}
