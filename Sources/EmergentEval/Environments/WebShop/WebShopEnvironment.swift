import EmergentCore
import Foundation

/// AgentBench's WebShop task (v0.2) over a generated catalogue: the agent searches and clicks through a text
/// web shop to buy what an instruction describes, and is rewarded with WebShop's score for the purchase (average
/// reward over tasks is the metric; AgentBench reports it ×100).
public struct WebShopEnvironment: Environment {
    public let name = "webshop"
    public let title = "Web shopping"
    public let metricName = "average reward"
    /// AgentBench v0.2 gives a WebShop episode 10 rounds.
    public let roundLimit: Int

    public init(roundLimit: Int = 10) {
        self.roundLimit = roundLimit
    }

    public func devTasks() throws -> [EvalTask] {
        try loadTasks(from: BundledData.tasksFile(name))
    }


    public func loadTasks(from file: URL) throws -> [EvalTask] {
        var seen = Set<String>()
        return try JSONLines.read(file) { value, line in
            let task = try WebShopTask.parse(value, place: "\(file.path):\(line)")
            guard seen.insert(task.id).inserted else {
                throw EnvironmentError.badTask(file, line: line, "field 'id': task id '\(task.id)' is used twice")
            }
            return task.evalTask
        }
    }

    public func makeEpisode(for task: EvalTask, mode: ActionMode) async throws -> any Episode {
        let shopTask = try WebShopTask.parse(task.payload, place: "task \(task.id)")
        return WebShopEpisode(task: shopTask, mode: mode)
    }

    public func score(_ results: [EpisodeResult]) -> EnvironmentScore {
        var score = EnvironmentScore.meanReward(results)
        guard !results.isEmpty else { return score }
        let count = Double(results.count)
        let successes = results.filter { $0.reward >= 1 - 1e-9 }.count
        let purchases = results.filter { $0.details["bought"]?.stringValue != nil }.count
        score.breakdown = ["success_rate": Double(successes) / count, "purchase_rate": Double(purchases) / count]
        return score
    }

    public func solution(for task: EvalTask) throws -> [String] {
        try WebShopOracle(task: task).steps.map { WebShopPrompt.reply($0.thought, $0.action.text) }
    }

    public func solutionCalls(for task: EvalTask) throws -> [ToolCall] {
        try WebShopOracle(task: task).steps.enumerated().map { index, step in
            step.action.call(id: "call_\(index + 1)")
        }
    }
}

/// One of the two actions of the shop.
enum WebShopAction: Sendable, Hashable {
    case search(String)
    case click(String)

    var text: String {
        switch self {
        case .search(let keywords): "search[\(keywords)]"
        case .click(let value): "click[\(value)]"
        }
    }

    func call(id: String) -> ToolCall {
        switch self {
        case .search(let keywords): ToolCall(id: id, name: "search", arguments: ["query": .string(keywords)])
        case .click(let value): ToolCall(id: id, name: "click", arguments: ["element": .string(value)])
        }
    }

    /// The action in a text reply, found as AgentBench finds it: the first "Action:" (any number of spaces and
    /// newlines after it) followed by `search[...]` or `click[...]` on one line.
    static func parse(reply: String) -> WebShopAction? {
        guard let pattern, let match = pattern.firstMatch(in: reply, range: NSRange(reply.startIndex..., in: reply)),
              let kindRange = Range(match.range(at: 1), in: reply),
              let argumentRange = Range(match.range(at: 2), in: reply) else { return nil }
        let argument = String(reply[argumentRange])
        return reply[kindRange] == "search" ? .search(argument) : .click(argument)
    }

    private static let pattern = try? NSRegularExpression(pattern: #"[Aa]ction: *\n* *(search|click)\[(.+?)\]"#)
}

/// The steps that solve a task: search with the target's title (it ranks the target on the first results page;
/// the tests check this for every dev task), open it, pick each goal option, buy.
struct WebShopOracle {
    struct Step {
        var thought: String
        var action: WebShopAction
    }

    let steps: [Step]

    init(task: EvalTask) throws {
        let shopTask = try WebShopTask.parse(task.payload, place: "task \(task.id)")
        let world = WebShopWorld.shared(seed: shopTask.catalogSeed)
        guard let product = world.catalog.product(shopTask.goal.asin) else {
            throw EnvironmentError("task \(task.id): the goal product \(shopTask.goal.asin) is not in the catalogue")
        }
        let query = WebShopOracle.query(for: product)
        guard world.index.search(query).prefix(WebShopBrowser.pageSize).contains(product.asin) else {
            throw EnvironmentError("task \(task.id): no oracle; a search for the goal product's title does not "
                + "show it on the first results page")
        }
        var steps = [
            Step(thought: "I should search for the product the instruction describes.", action: .search(query)),
            Step(thought: "I should open \(product.asin), which matches the instruction.",
                 action: .click(product.asin)),
        ]
        let values = product.options.flatMap(\.values)
        for wanted in shopTask.goal.options {
            let value = values.first(where: { $0.lowercased() == wanted.lowercased() })
                ?? values.max(by: { WebShopFuzzy.tokenSetRatio($0, wanted) < WebShopFuzzy.tokenSetRatio($1, wanted) })
            guard let value else { continue }
            steps.append(Step(thought: "I should select the '\(value)' option the instruction asks for.",
                              action: .click(value)))
        }
        steps.append(Step(thought: "the product and its options match the instruction, so I should buy it.",
                          action: .click("Buy Now")))
        self.steps = steps
    }

    /// The target's title as search keywords.
    static func query(for product: WebShopProduct) -> String {
        product.title.lowercased().replacingOccurrences(of: ",", with: " ").replacingOccurrences(of: " - ", with: " ")
            .split(separator: " ").joined(separator: " ")
    }
}
