import Foundation

/// The environments Emergent ships, by name, with their shipped configurations.
public enum EnvironmentCatalog {
    /// Names in AgentBench's order.
    public static let names = ["os", "db", "kg", "household", "webshop"]

    /// The environment called `name`, or an error listing the names there are.
    public static func environment(_ name: String) throws -> any Environment {
        switch name.lowercased() {
        case "os": return OSEnvironment()
        case "db": return DBEnvironment()
        case "kg": return KGEnvironment()
        case "household", "alfworld", "hh": return HouseholdEnvironment()
        case "webshop", "ws": return WebShopEnvironment()
        default:
            throw EnvironmentError("there is no environment called '\(name)'",
                                   recovery: "Choose from: \(names.joined(separator: ", ")).")
        }
    }

    /// Every shipped environment.
    public static func all() -> [any Environment] {
        names.compactMap { try? environment($0) }
    }
}
