import EmergentCore
import Foundation

/// A WebShop task: the instruction the shopper sees, the catalogue seed of the shop it runs in, and the goal the
/// purchase is graded against. One JSON object per line in a task file (see docs/eval-webshop.md):
///
///     {"id": "webshop-dev-001", "instruction": "i need ...", "catalog_seed": 20231024,
///      "goal": {"asin": "B0...", "category": "fashion", "query": "...", "product_category": "A › B",
///               "name": "...", "attributes": ["high waist"], "options": ["black"], "price_upper": 40.0}}
public struct WebShopTask: Sendable, Hashable {
    public var id: String
    public var instruction: String
    public var catalogSeed: UInt64
    public var goal: WebShopGoal
    /// The goal product's top category (fashion, makeup, electronics, furniture, food).
    public var category: String

    public init(id: String, instruction: String, catalogSeed: UInt64, goal: WebShopGoal, category: String) {
        self.id = id
        self.instruction = instruction
        self.catalogSeed = catalogSeed
        self.goal = goal
        self.category = category
    }

    /// The task as the runner carries it.
    public var evalTask: EvalTask {
        EvalTask(id: id, environment: "webshop", summary: instruction, payload: payload)
    }

    /// The JSON object of a task file line.
    public var payload: JSONValue {
        .object(JSONObject([
            ("id", .string(id)),
            ("instruction", .string(instruction)),
            ("catalog_seed", .int(Int(catalogSeed))),
            ("goal", .object(JSONObject([
                ("asin", .string(goal.asin)),
                ("category", .string(category)),
                ("query", .string(goal.query)),
                ("product_category", .string(goal.productCategory)),
                ("name", .string(goal.name)),
                ("attributes", .array(goal.attributes.map(JSONValue.string))),
                ("options", .array(goal.options.map(JSONValue.string))),
                ("price_upper", .double(goal.priceUpper)),
            ]))),
        ]))
    }

    /// Reads a task from a task-file line (or an `EvalTask` payload), checking every field and that the goal
    /// product exists in the catalogue of the task's seed. `place` names the file and line in errors.
    public static func parse(_ value: JSONValue, place: String) throws -> WebShopTask {
        func fail(_ problem: String) -> EnvironmentError { EnvironmentError("\(place): \(problem)") }
        guard case .object = value else { throw fail("a task must be a JSON object") }
        guard let id = value["id"]?.stringValue, !id.isEmpty else {
            throw fail("field 'id' is missing or not a non-empty string")
        }
        guard let instruction = value["instruction"]?.stringValue, !instruction.isEmpty else {
            throw fail("field 'instruction' is missing or not a non-empty string")
        }
        var seed = WebShopCatalog.defaultSeed
        if let raw = value["catalog_seed"], raw != .null {
            guard let number = raw.intValue, number >= 0 else {
                throw fail("field 'catalog_seed' must be a non-negative integer")
            }
            seed = UInt64(number)
        }
        guard let goalValue = value["goal"], case .object = goalValue else {
            throw fail("field 'goal' is missing or not an object")
        }
        guard let asin = (goalValue["asin"] ?? goalValue["product_id"])?.stringValue, !asin.isEmpty else {
            throw fail("field 'goal.asin' (or 'goal.product_id') is missing or not a non-empty string")
        }
        guard let product = WebShopWorld.shared(seed: seed).catalog.product(asin) else {
            throw fail("field 'goal.asin': no product '\(asin)' in the catalogue of seed \(seed)")
        }
        let attributes = try strings(goalValue["attributes"], field: "goal.attributes", fail)
        let options = try strings(goalValue["options"], field: "goal.options", fail)
        guard let priceUpper = goalValue["price_upper"]?.doubleValue else {
            throw fail("field 'goal.price_upper' is missing or not a number")
        }
        func text(_ key: String, _ fallback: String) throws -> String {
            guard let raw = goalValue[key], raw != .null else { return fallback }
            guard let string = raw.stringValue else { throw fail("field 'goal.\(key)' must be a string") }
            return string
        }
        let goal = WebShopGoal(asin: product.asin, query: try text("query", product.query),
                               productCategory: try text("product_category", product.productCategory),
                               name: try text("name", product.title), attributes: attributes, options: options,
                               priceUpper: priceUpper)
        return WebShopTask(id: id, instruction: instruction, catalogSeed: seed, goal: goal,
                           category: try text("category", product.category))
    }

    private static func strings(_ value: JSONValue?, field: String,
                                _ fail: (String) -> EnvironmentError) throws -> [String] {
        guard let items = value?.arrayValue else { throw fail("field '\(field)' is missing or not an array") }
        return try items.enumerated().map { index, item in
            guard let text = item.stringValue, !text.isEmpty else {
                throw fail("field '\(field)[\(index)]' must be a non-empty string")
            }
            return text
        }
    }
}
