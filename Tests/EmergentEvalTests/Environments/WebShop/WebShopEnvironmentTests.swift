import EmergentCore
import Foundation
import Testing
@testable import EmergentEval

@Suite struct WebShopEnvironmentTests {
    let env = WebShopEnvironment()
    var world: WebShopWorld { WebShopWorld.shared(seed: WebShopCatalog.defaultSeed) }

    func shopTask(_ task: EvalTask) throws -> WebShopTask { try WebShopTask.parse(task.payload, place: task.id) }

    func reply(_ action: String) -> AgentAction { .text("Thought:\nI think so.\n\nAction:\n\(action)") }

    // MARK: - Catalogue

    @Test func catalogueIsLargeCompleteAndDeterministic() {
        let catalog = world.catalog
        #expect(catalog.products.count >= 500)
        #expect(catalog.products.count == 1_000)
        #expect(Set(catalog.products.map(\.asin)).count == catalog.products.count)
        #expect(Set(catalog.products.map(\.category)) == Set(WebShopVocabulary.categories))
        for product in catalog.products {
            #expect(!product.attributes.isEmpty, "\(product.asin) has no attributes")
            #expect(!product.options.isEmpty && product.options.allSatisfy { !$0.values.isEmpty },
                    "\(product.asin) has no options")
            #expect(product.price > 0, "\(product.asin) has no price")
            #expect(!product.title.isEmpty && !product.description.isEmpty && !product.bulletPoints.isEmpty)
            #expect(product.productCategory.contains("›"))
        }
        #expect(WebShopCatalog(seed: 99).products == WebShopCatalog(seed: 99).products)
        #expect(WebShopCatalog(seed: 99).products != WebShopCatalog(seed: 100).products)
        #expect(WebShopCatalog().products == catalog.products)
    }

    // MARK: - Oracle

    @Test(arguments: ActionMode.allCases)
    func oracleEarnsFullRewardOnEveryDevTask(mode: ActionMode) async throws {
        let tasks = try env.devTasks()
        #expect(tasks.count >= 20)
        var results: [EpisodeResult] = []
        for task in tasks {
            let outcome = try await EpisodeReplay.solve(env, task, mode: mode)
            #expect(outcome.result.finish == .completed, "\(task.id)")
            #expect(outcome.result.reward == 1, "\(task.id): \(outcome.result.details.compactJSON)")
            #expect(outcome.result.rounds <= env.roundLimit)
            results.append(outcome.result)
        }
        let score = env.score(results)
        #expect(score.value == 1)
        #expect(score.breakdown["success_rate"] == 1)
        #expect(score.episodes == tasks.count)
    }

    @Test func oracleRepliesCarryAThoughtAndOneAction() throws {
        let task = try #require(try env.devTasks().first)
        let replies = try env.solution(for: task)
        #expect(replies.first?.hasPrefix("Thought:\nI think ") == true)
        #expect(replies.first?.contains("\n\nAction:\nsearch[") == true)
        #expect(replies.last?.hasSuffix("Action:\nclick[Buy Now]") == true)
        let calls = try env.solutionCalls(for: task)
        #expect(calls.map(\.name).first == "search")
        #expect(calls.last?.arguments["element"]?.stringValue == "Buy Now")
    }

    // MARK: - Search

    @Test func oracleQueryShowsTheTargetOnTheFirstPage() throws {
        for task in try env.devTasks() {
            let goal = try shopTask(task).goal
            let product = try #require(world.catalog.product(goal.asin))
            let firstPage = world.index.search(WebShopOracle.query(for: product)).prefix(10)
            #expect(firstPage.contains(goal.asin), "\(task.id)")
        }
    }

    @Test func searchIsDeterministicAndRanksMatchingProducts() {
        let first = world.index.search("waterproof bluetooth speaker")
        #expect(first == world.index.search("Waterproof  Bluetooth speakers"))
        #expect(first.count == WebShopSearchIndex.limit)
        let top = first.prefix(10).compactMap { world.catalog.product($0) }
        #expect(top.allSatisfy { $0.query == "bluetooth speaker" })
        #expect(world.index.search("zzzz qqqq").isEmpty)
    }

    @Test func resultsPagesPageForwardAndBack() async throws {
        let task = try #require(try env.devTasks().first)
        let actions = [reply("search[black]"), reply("click[Next >]"), reply("click[< Prev]")]
            + Array(repeating: reply("click[Next >]"), count: 4) + [reply("click[Next >]")]
        let outcome = try await EpisodeReplay.play(env, task, mode: .text, actions: actions)
        let pages = outcome.observations
        #expect(pages[0].contains("Page 1 (Total results: 50) [SEP] Next > [SEP]"))
        #expect(!pages[0].contains("< Prev"))
        #expect(pages[1].contains("Page 2 (Total results: 50) [SEP] < Prev [SEP] Next > [SEP]"))
        #expect(pages[2] == pages[0])
        #expect(pages[6].contains("Page 5 (Total results: 50) [SEP] < Prev [SEP]"))
        #expect(!pages[6].contains("Next >"))
        #expect(pages[7].hasPrefix("Invalid action: 'Next >' is not among the clickables of this page."))
        // Ten different products on each page.
        let ids = world.index.search("black")
        #expect(pages[0].contains(ids[0]) && pages[1].contains(ids[10]) && !pages[1].contains(ids[0]))
    }

    @Test func itemPagesSubPagesAndBackToSearch() async throws {
        let task = try #require(try env.devTasks().first)
        let goal = try shopTask(task).goal
        let product = try #require(world.catalog.product(goal.asin))
        let query = WebShopOracle.query(for: product)
        let actions = [reply("search[\(query)]"), reply("click[\(goal.asin.lowercased())]"),
                       reply("click[Features]"), reply("click[< Prev]"), reply("click[Description]"),
                       reply("click[Back to Search]"), reply("search[\(query)]"), reply("click[\(goal.asin)]"),
                       reply("click[< Prev]")]
        let outcome = try await EpisodeReplay.play(env, task, mode: .text, actions: actions)
        let pages = outcome.observations
        #expect(outcome.result.finish == .taskLimit)
        #expect(pages[1].contains("[SEP] \(product.title) [SEP] Price: \(product.priceText) [SEP]"))
        #expect(pages[1].contains("Description [SEP] Features [SEP] Reviews [SEP] Buy Now"))
        for value in product.options.flatMap(\.values) { #expect(pages[1].contains("[SEP] \(value) [SEP]")) }
        #expect(pages[1].contains("\"buy now\""))
        #expect(pages[2].contains(product.bulletPoints[0]))
        #expect(pages[3] == pages[1])
        #expect(pages[4].contains(product.description))
        #expect(pages[5].hasPrefix("Observation:\nWebShop [SEP] Instruction: [SEP] \(task.summary) [SEP] Search"))
        #expect(pages[5].contains("{\"has_search_bar\":true,\"clickables\":[\"search\"]}"))
        #expect(pages[8] == pages[0])
    }

    // MARK: - Wrong agents

    /// A product of another category whose title shares no noun with the goal's, shown first for its own title.
    func unrelatedProduct(for goal: WebShopGoal, category: String) throws -> WebShopProduct {
        let wanted = Set(WebShopTitleNouns.nouns(goal.name))
        return try #require(world.catalog.products.first { product in
            product.category != category && wanted.isDisjoint(with: WebShopTitleNouns.nouns(product.title))
                && world.index.search(WebShopOracle.query(for: product)).first == product.asin
        })
    }

    @Test func buyingAnUnrelatedProductScoresExactlyZero() async throws {
        var results: [EpisodeResult] = []
        for task in try env.devTasks() {
            let shop = try shopTask(task)
            let wrong = try unrelatedProduct(for: shop.goal, category: shop.category)
            let actions = [reply("search[\(WebShopOracle.query(for: wrong))]"), reply("click[\(wrong.asin)]"),
                           reply("click[Buy Now]")]
            let outcome = try await EpisodeReplay.play(env, task, mode: .text, actions: actions)
            #expect(outcome.result.finish == .completed, "\(task.id)")
            #expect(outcome.result.reward == 0, "\(task.id): \(outcome.result.details.compactJSON)")
            #expect(outcome.result.details["r_type"]?.doubleValue == 0)
            results.append(outcome.result)
        }
        #expect(env.score(results).value == 0)
        #expect(env.score(results).breakdown["purchase_rate"] == 1)
    }

    @Test func buyingTheTargetWithoutPickingOptionsLosesTheOptionShares() async throws {
        for task in try env.devTasks() {
            let goal = try shopTask(task).goal
            let product = try #require(world.catalog.product(goal.asin))
            let actions = [reply("search[\(WebShopOracle.query(for: product))]"), reply("click[\(goal.asin)]"),
                           reply("click[Buy Now]")]
            let outcome = try await EpisodeReplay.play(env, task, mode: .text, actions: actions)
            let attributes = Double(goal.attributes.count)
            let expected = (attributes + 0 + 1) / (attributes + Double(goal.options.count) + 1)
            #expect(outcome.result.finish == .completed)
            #expect(abs(outcome.result.reward - expected) < 1e-12, "\(task.id)")
        }
    }

    @Test func neverBuyingScoresZero() async throws {
        let tasks = try env.devTasks()
        var results: [EpisodeResult] = []
        for task in tasks.prefix(3) {
            let outcome = try await EpisodeReplay.play(env, task, mode: .functions, actions: [
                .call(ToolCall(id: "1", name: "search", arguments: ["query": "something nice"])),
            ])
            #expect(outcome.result.finish == .taskLimit)
            #expect(outcome.result.reward == 0)
            #expect(outcome.result.details["bought"] == .null)
            results.append(outcome.result)
        }
        #expect(env.score(results).value == 0)
        #expect(env.score(results).breakdown["purchase_rate"] == 0)
    }

    // MARK: - Invalid replies

    @Test func invalidClickChangesNothingAndTheEpisodeGoesOn() async throws {
        let task = try #require(try env.devTasks().first)
        let oracle = try env.solution(for: task).map(AgentAction.text)
        let actions = [reply("click[Buy Now]"), oracle[0], reply("search[more shoes]"), reply("click[search]")]
            + oracle.dropFirst()
        let outcome = try await EpisodeReplay.play(env, task, mode: .text, actions: actions)
        let start = outcome.opening.messages.last?.content ?? ""
        #expect(outcome.observations[0]
            == "Invalid action: 'Buy Now' is not among the clickables of this page. Nothing happened.\n\n" + start)
        #expect(outcome.observations[2].hasPrefix("Invalid action: there is no search box on this page; "
            + "click 'Back to Search' first. Nothing happened.\n\n"))
        #expect(outcome.observations[2].hasSuffix(outcome.observations[1]))
        #expect(outcome.observations[3].hasPrefix("Invalid action: 'search' is not a button to click"))
        #expect(outcome.result.finish == .completed)
        #expect(outcome.result.reward == 1)
    }

    @Test func replyWithoutAnActionIsInvalidFormat() async throws {
        let task = try #require(try env.devTasks().first)
        let outcome = try await EpisodeReplay.play(env, task, mode: .text, actions: [
            .text("Thought:\nI think I should look for a dress.\n\nI will search for summer dresses."),
        ])
        #expect(outcome.result.finish == .invalidFormat)
        #expect(outcome.result.reward == 0)
        #expect(outcome.observations == [
            "Your reply has no action. End it with \"Action:\" and then search[keywords] or click[value].",
        ])
        // An action the shop does not have is not an action either.
        let other = try await EpisodeReplay.play(env, task, mode: .text, actions: [.text("Action: buy[dress]")])
        #expect(other.result.finish == .invalidFormat)
    }

    @Test func actionsAreFoundAsAgentBenchFindsThem() {
        #expect(WebShopAction.parse(reply: "Thought:\nx\n\nAction:\nsearch[red shoes]") == .search("red shoes"))
        #expect(WebShopAction.parse(reply: "action: click[< Prev]") == .click("< Prev"))
        #expect(WebShopAction.parse(reply: "Action:   \n\n  click[Buy Now] and more") == .click("Buy Now"))
        #expect(WebShopAction.parse(reply: "search[red shoes]") == nil)
        #expect(WebShopAction.parse(reply: "Action: click[]") == nil)
    }

    @Test func functionCallsAndTheirFormatErrors() async throws {
        let task = try #require(try env.devTasks().first)
        let episode = try await env.makeEpisode(for: task, mode: .functions)
        let opening = try await episode.start()
        #expect(opening.tools.map(\.name) == ["search", "click"])
        #expect(opening.messages.first?.role == .system)
        #expect(opening.messages.last?.content.hasPrefix("The initial observation:\nWebShop [SEP]") == true)
        // A text reply that parses is applied as in text mode.
        let searched = try await episode.step(.text("Action: search[summer dress]"))
        #expect(searched.observation.contains("Page 1 (Total results:"))
        #expect(!searched.done)
        let badArguments = try await episode.step(.call(ToolCall(id: "2", name: "click", arguments: ["x": 1])))
        #expect(badArguments.finish == .invalidFormat)
        #expect(badArguments.observation == "The click function needs a string argument 'element'.")
        await episode.close()

        let second = try await env.makeEpisode(for: task, mode: .functions)
        _ = try await second.start()
        let unknown = try await second.step(.call(ToolCall(id: "1", name: "buy", arguments: [:])))
        #expect(unknown.finish == .invalidFormat)
        #expect(unknown.observation == "There is no function 'buy'; call search or click.")
        await second.close()

        let third = try await env.makeEpisode(for: task, mode: .functions)
        _ = try await third.start()
        let chat = try await third.step(.text("Which one would you like?"))
        #expect(chat.finish == .invalidFormat)
        #expect(chat.observation == "Call the search or click function to act.")
        await third.close()
    }

    @Test func textOpeningHasInstructionsOneExampleAndTheTask() async throws {
        let task = try #require(try env.devTasks().first)
        let episode = try await env.makeEpisode(for: task, mode: .text)
        let opening = try await episode.start()
        await episode.close()
        let messages = opening.messages
        #expect(opening.tools.isEmpty)
        #expect(messages.count == 11)
        #expect(messages[0].role == .user && messages[0].content.contains("search[keywords]\nclick[value]"))
        #expect(messages[1] == .assistant("Ok."))
        #expect(messages[3].content.contains("Action:\nsearch["))
        #expect(messages[9].content.hasSuffix("Action:\nclick[Buy Now]"))
        #expect(messages[10].content == "Observation:\nWebShop [SEP] Instruction: [SEP] \(task.summary) [SEP] Search"
            + "\n\nAvailable Actions:\n{\"has_search_bar\":true,\"clickables\":[\"search\"]}")
        #expect(env.roundLimit == 10)
    }

    @Test func episodesAreIsolated() async throws {
        let task = try #require(try env.devTasks().first)
        let first = try await env.makeEpisode(for: task, mode: .text)
        let second = try await env.makeEpisode(for: task, mode: .text)
        _ = try await first.start()
        let opening = try await second.start()
        _ = try await first.step(reply("search[black]"))
        let untouched = try await second.step(reply("click[Back to Search]"))
        #expect(untouched.observation.hasPrefix("Invalid action:"))
        #expect(untouched.observation.hasSuffix(opening.messages.last?.content ?? "-"))
        await first.close()
        await second.close()
    }

    // MARK: - Loading

    func write(_ lines: [String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("webshop-\(UUID().uuidString).jsonl")
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func malformedTaskFilesNameTheLineAndField() throws {
        let good = try #require(try env.devTasks().first).payload.compactJSON
        func message(_ lines: [String]) throws -> String {
            let url = try write(lines)
            defer { try? FileManager.default.removeItem(at: url) }
            do {
                _ = try env.loadTasks(from: url)
                return "loaded"
            } catch let error as EnvironmentError {
                return error.message
            }
        }
        let noASIN = good.replacingOccurrences(of: "\"asin\":", with: "\"sku\":")
        #expect(try message([good, noASIN]).contains(":2: field 'goal.asin' (or 'goal.product_id') is missing"))
        let renamed = good.replacingOccurrences(of: "\"asin\":", with: "\"product_id\":")
        #expect(try message([renamed]) == "loaded")
        let unknown = good.replacingOccurrences(of: "\"asin\":\"", with: "\"asin\":\"X")
        #expect(try message([good, "", unknown]).contains(":3: field 'goal.asin': no product"))
        #expect(try message(["{not json"]).contains(":1: not valid JSON"))
        #expect(try message([good, good]).contains(":2: field 'id': task id 'webshop-dev-001' is used twice"))
        let badPrice = good.replacingOccurrences(of: "\"price_upper\":", with: "\"price_upper\":\"cheap\",\"x\":")
        #expect(try message([badPrice]).contains(":1: field 'goal.price_upper' is missing or not a number"))
        let badOption = good.replacingOccurrences(of: "\"options\":[", with: "\"options\":[3,")
        #expect(try message([badOption]).contains(":1: field 'goal.options[0]' must be a non-empty string"))
        #expect(try message([good]) == "loaded")
    }
}
