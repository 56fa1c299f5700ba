import EmergentCore
import Foundation

/// One shopping trip: a fresh browser on the search page of the task's shop. A valid action moves the browser;
/// an action the page does not allow changes nothing and the same page comes back with a note (WebShop's
/// "perform nothing"); a reply with no action ends the episode with `invalid_format` (AgentBench v0.2); clicking
/// `Buy Now` ends it with `completed` and the purchase is graded with WebShop's reward.
actor WebShopEpisode: Episode {
    private let task: WebShopTask
    private let mode: ActionMode
    private let world: WebShopWorld
    private var browser: WebShopBrowser

    init(task: WebShopTask, mode: ActionMode) {
        self.task = task
        self.mode = mode
        world = WebShopWorld.shared(seed: task.catalogSeed)
        browser = WebShopBrowser(world: world, instruction: task.instruction)
    }

    func start() async throws -> EpisodeOpening {
        browser = WebShopBrowser(world: world, instruction: task.instruction)
        switch mode {
        case .text:
            let messages: [ChatMessage] = [.user(WebShopPrompt.textInstructions), .assistant("Ok.")]
                + WebShopPrompt.example() + [.user(currentPage())]
            return EpisodeOpening(messages: messages)
        case .functions:
            return EpisodeOpening(messages: [.system(WebShopPrompt.functionInstructions),
                                             .user("The initial observation:\n\(browser.observation)\n\n"
                                                   + "Available Actions:\n\(browser.availableActions)")],
                                  tools: WebShopPrompt.tools)
        }
    }

    func step(_ action: AgentAction) async throws -> StepOutcome {
        if browser.purchase != nil {
            return .invalidAction("The purchase is already made; the episode is over.")
        }
        switch action {
        case .text(let reply):
            guard let parsed = WebShopAction.parse(reply: reply) else {
                let hint = mode == .functions
                    ? "Call the search or click function to act."
                    : "Your reply has no action. End it with \"Action:\" and then search[keywords] or click[value]."
                return .invalidFormat(hint)
            }
            return apply(parsed)
        case .call(let call):
            switch call.name {
            case "search", "search_action":
                guard let keywords = argument(call, "query") ?? argument(call, "keywords") else {
                    return .invalidFormat("The search function needs a string argument 'query'.")
                }
                return apply(.search(keywords))
            case "click", "click_action":
                guard let value = argument(call, "element") ?? argument(call, "value") else {
                    return .invalidFormat("The click function needs a string argument 'element'.")
                }
                return apply(.click(value))
            default:
                return .invalidFormat("There is no function '\(call.name)'; call search or click.")
            }
        }
    }

    func grade() async throws -> EpisodeGrade {
        var details = JSONObject()
        details["instruction"] = .string(task.instruction)
        details["category"] = .string(task.category)
        details["goal"] = task.payload["goal"] ?? .null
        guard let purchase = browser.purchase, let product = world.catalog.product(purchase.asin) else {
            details["bought"] = .null
            details["success"] = .bool(false)
            return EpisodeGrade(reward: 0, details: .object(details))
        }
        let result = WebShopReward.compute(product: product, goal: task.goal, selected: purchase.options)
        details["bought"] = .string(product.asin)
        details["bought_title"] = .string(product.title)
        details["bought_price"] = .double(product.price)
        details["selected_options"] = .array(purchase.options.map(JSONValue.string))
        details["r_type"] = .double(result.typeFactor)
        details["query_match"] = .bool(result.queryMatch)
        details["category_match"] = .bool(result.categoryMatch)
        details["title_score"] = .double(result.titleScore)
        details["attribute_matches"] = .int(result.attributeMatches)
        details["option_matches"] = .int(result.optionMatches)
        details["price_ok"] = .bool(result.priceOK)
        details["success"] = .bool(result.reward >= 1 - 1e-9)
        return EpisodeGrade(reward: min(max(result.reward, 0), 1), details: .object(details))
    }

    func close() async {}

    // MARK: -

    private func apply(_ action: WebShopAction) -> StepOutcome {
        let effect: WebShopBrowser.Effect
        switch action {
        case .search(let keywords): effect = browser.search(keywords)
        case .click(let value): effect = browser.click(value)
        }
        switch effect {
        case .moved:
            return .observe(currentPage())
        case .ignored(let reason):
            return .observe("Invalid action: \(reason). Nothing happened.\n\n" + currentPage())
        case .bought:
            return .completed("Observation:\n\(browser.observation)")
        }
    }

    private func currentPage() -> String {
        WebShopPrompt.turn(browser.observation, browser.availableActions)
    }

    private func argument(_ call: ToolCall, _ key: String) -> String? {
        if let value = call.arguments[key]?.stringValue { return value }
        // AgentBench passes the first argument whatever its name; accept a lone string argument the same way.
        if let object = call.arguments.objectValue, object.count == 1, let only = object.values.first?.stringValue {
            return only
        }
        return nil
    }
}
