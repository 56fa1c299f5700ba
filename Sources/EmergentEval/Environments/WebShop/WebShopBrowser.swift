import EmergentCore
import Foundation

/// One shopper's walk through the shop: which page is open, the last search, the product being viewed and the
/// options picked on it, and the purchase once `Buy Now` is clicked. Pages are rendered in WebShop's "simple"
/// text mode: visible texts joined by " [SEP] ".
struct WebShopBrowser: Sendable {
    /// WebShop's results per page (PRODUCT_WINDOW).
    static let pageSize = 10

    enum Page: Sendable, Equatable {
        case search
        case results(page: Int)
        case item
        case subPage(String)
        case done
    }

    /// What an action did.
    enum Effect: Sendable, Equatable {
        case moved
        /// Not allowed on this page; nothing happened (WebShop's "perform nothing").
        case ignored(String)
        /// `Buy Now` was clicked.
        case bought
    }

    let world: WebShopWorld
    let instruction: String
    private(set) var page: Page = .search
    private(set) var keywords = ""
    private(set) var results: [String] = []
    /// The results page an item was opened from, for its `< Prev`.
    private var lastResultsPage = 1
    private(set) var asin: String?
    /// Picked option values by group name, in the order first picked.
    private(set) var selected: [(group: String, value: String)] = []
    private(set) var purchase: (asin: String, options: [String])?

    init(world: WebShopWorld, instruction: String) {
        self.world = world
        self.instruction = instruction
    }

    var product: WebShopProduct? { asin.flatMap { world.catalog.product($0) } }
    var hasSearchBar: Bool { page == .search }

    // MARK: - Actions

    mutating func search(_ query: String) -> Effect {
        guard page == .search else {
            return .ignored("there is no search box on this page; click 'Back to Search' first")
        }
        let trimmed = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return .ignored("the search keywords are empty") }
        keywords = trimmed.lowercased()
        results = world.index.search(keywords)
        openResults(1)
        return .moved
    }

    mutating func click(_ rawTarget: String) -> Effect {
        let target = rawTarget.trimmingCharacters(in: .whitespacesAndNewlines)
        let key = target.lowercased()
        guard let matched = clickables.first(where: { $0.lowercased() == key }), key != "search" else {
            let reason = key == "search"
                ? "'search' is not a button to click; use search[keywords] on the search page"
                : "'\(target)' is not among the clickables of this page"
            return .ignored(reason)
        }
        switch (page, key) {
        case (_, "back to search"):
            page = .search
            asin = nil
            selected = []
        case (.results(let number), "next >"):
            openResults(number + 1)
        case (.results(let number), "< prev"):
            openResults(number - 1)
        case (.results, _):
            asin = matched.uppercased()
            selected = []
            page = .item
        case (.item, "< prev"):
            openResults(lastResultsPage)
        case (.item, "buy now"):
            guard let asin else { return .ignored("no product is open") }
            purchase = (asin, selected.map(\.value))
            page = .done
            return .bought
        case (.item, "description"), (.item, "features"), (.item, "reviews"):
            page = .subPage(WebShopBrowser.subPageTitles[key] ?? matched)
        case (.item, _):
            pickOption(matched)
        case (.subPage, "< prev"):
            page = .item
        default:
            return .ignored("'\(target)' cannot be clicked here")
        }
        return .moved
    }

    private mutating func openResults(_ number: Int) {
        lastResultsPage = max(number, 1)
        page = .results(page: lastResultsPage)
        asin = nil
        selected = []
    }

    private mutating func pickOption(_ value: String) {
        guard let product,
              let group = product.options.first(where: { group in
                  group.values.contains(where: { $0.lowercased() == value.lowercased() })
              }),
              let exact = group.values.first(where: { $0.lowercased() == value.lowercased() })
        else { return }
        if let index = selected.firstIndex(where: { $0.group == group.name }) {
            selected[index].value = exact
        } else {
            selected.append((group.name, exact))
        }
    }

    static let subPageTitles = ["description": "Description", "features": "Features", "reviews": "Reviews"]

    // MARK: - Rendering

    private var resultsOnPage: [String] {
        guard case .results(let number) = page else { return [] }
        let start = (number - 1) * WebShopBrowser.pageSize
        guard start < results.count else { return [] }
        return Array(results[start..<min(start + WebShopBrowser.pageSize, results.count)])
    }

    /// What can be clicked on the open page, as the "Available Actions" list shows it (buttons and product ids
    /// lower-cased, as WebShop lists them; option values as written).
    var clickables: [String] {
        switch page {
        case .search:
            return ["search"]
        case .results(let number):
            var items = ["back to search"]
            if number > 1 { items.append("< prev") }
            if number * WebShopBrowser.pageSize < results.count { items.append("next >") }
            return items + resultsOnPage.map { $0.lowercased() }
        case .item:
            let options = product?.options.flatMap(\.values) ?? []
            return ["back to search", "< prev"] + options + ["description", "features", "reviews", "buy now"]
        case .subPage:
            return ["back to search", "< prev"]
        case .done:
            return []
        }
    }

    /// The open page in WebShop's simple text mode.
    var observation: String {
        let header = ["Instruction:", instruction, "Back to Search"]
        var parts: [String]
        switch page {
        case .search:
            parts = ["WebShop", "Instruction:", instruction, "Search"]
        case .results(let number):
            parts = header + ["Page \(number) (Total results: \(results.count))"]
            if number > 1 { parts.append("< Prev") }
            if number * WebShopBrowser.pageSize < results.count { parts.append("Next >") }
            for id in resultsOnPage {
                guard let item = world.catalog.product(id) else { continue }
                parts += [item.asin, item.title, item.priceText]
            }
        case .item:
            parts = header + ["< Prev"]
            if let product {
                for group in product.options { parts += [group.name] + group.values }
                parts += [product.title, "Price: \(product.priceText)",
                          "Rating: \(product.rating.map { String(format: "%.1f", $0) } ?? "N.A.")",
                          "Description", "Features", "Reviews", "Buy Now"]
            }
        case .subPage(let title):
            parts = header + ["< Prev"]
            if let product {
                switch title {
                case "Description": parts.append(product.description)
                case "Features": parts += product.bulletPoints
                default:
                    if product.reviews.isEmpty { parts.append("No reviews yet.") }
                    for review in product.reviews {
                        parts += ["\"\(review.title)\"", "\(review.score)", review.body]
                    }
                }
            }
        case .done:
            parts = ["Thank you for shopping with us!", "Purchased", purchase?.asin ?? "",
                     "options", JSONValue.array((purchase?.options ?? []).map(JSONValue.string)).compactJSON]
        }
        return parts.joined(separator: " [SEP] ")
    }

    /// The "Available Actions" block: whether a search box is on the page and what can be clicked.
    var availableActions: String {
        let object: JSONValue = .object(JSONObject([
            ("has_search_bar", .bool(hasSearchBar)),
            ("clickables", .array(clickables.map(JSONValue.string))),
        ]))
        return object.compactJSON
    }
}
