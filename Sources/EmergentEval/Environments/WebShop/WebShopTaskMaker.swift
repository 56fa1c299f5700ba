import Foundation

/// Makes WebShop tasks from the catalogue the way WebShop's goals are made: a target product, some of its
/// attributes, one value of some of its option groups, and a price bound drawn from the multiples of ten just above
/// its price, written as a shopper's instruction ("i need a long lasting ... , and price lower than 100.00
/// dollars"). The shipped dev tasks were made with `make(count: 24)` and are checked against it by the tests.
public enum WebShopTaskMaker {
    /// `count` tasks over the catalogue of `seed`, spread across its product types, deterministic.
    public static func make(count: Int, catalogSeed: UInt64 = WebShopCatalog.defaultSeed,
                            taskSeed: UInt64 = 7) -> [WebShopTask] {
        let catalog = WebShopWorld.shared(seed: catalogSeed).catalog
        let typeCount = WebShopVocabulary.types.count
        let perType = catalog.products.count / max(typeCount, 1)
        var generator = SeededGenerator(seed: taskSeed)
        var tasks: [WebShopTask] = []
        for number in 0..<count {
            // Step through the types so that every category comes up, 11 being coprime with 50.
            let type = (number * 11 + 3) % typeCount
            let product = catalog.products[type * perType + Int(generator.next() % UInt64(max(perType, 1)))]
            let hard = number % 4 == 3
            let attributeCount = min(product.attributes.count, hard ? 3 : 1 + Int(generator.next() % 2))
            let attributes = WebShopCatalog.sample(product.attributes, count: attributeCount, &generator)
            var chosen: [(group: String, value: String)] = []
            for (index, group) in product.options.enumerated()
            where hard || index == 0 || generator.next() % 2 == 0 {
                chosen.append((group.name, WebShopCatalog.pick(group.values, &generator)))
            }
            let (priceUpper, priceText) = priceBound(product.price, &generator)
            let instruction = sentence(product: product, attributes: attributes, options: chosen,
                                       generator: &generator) + priceText
            let goal = WebShopGoal(asin: product.asin, query: product.query, productCategory: product.productCategory,
                                   name: product.title, attributes: attributes, options: chosen.map(\.value),
                                   priceUpper: priceUpper)
            tasks.append(WebShopTask(id: String(format: "webshop-dev-%03d", number + 1), instruction: instruction,
                                     catalogSeed: catalogSeed, goal: goal, category: product.category))
        }
        return tasks
    }

    /// WebShop's price bound: two of the (up to four) multiples of ten above the price, the larger one; no bound
    /// (1,000,000 and no text) when fewer than two exist below 1,000.
    static func priceBound(_ price: Double, _ generator: inout SeededGenerator) -> (Double, String) {
        let above = (1..<100).map { Double($0) * 10 }.filter { $0 > price }.prefix(4)
        guard above.count >= 2 else { return (1_000_000, "") }
        let two = WebShopCatalog.sample(Array(above), count: 2, &generator)
        let upper = two.max() ?? 1_000_000
        return (upper, ", and price lower than \(String(format: "%.2f", upper)) dollars")
    }

    static let openings = ["i need", "i want", "i am looking for", "i'm looking for", "find me", "i would like",
                           "can you find me", "i'd like to buy"]

    private static func sentence(product: WebShopProduct, attributes: [String],
                                 options: [(group: String, value: String)],
                                 generator: inout SeededGenerator) -> String {
        let opening = WebShopCatalog.pick(openings, &generator)
        var text = opening + " "
        // Adjective-like attributes go before the noun or after "that is"; "with …"/"for …" ones after the noun.
        let trailing = attributes.filter { $0.hasPrefix("with ") || $0.hasPrefix("for ") }
        let adjectives = attributes.filter { !trailing.contains($0) }
        let noun = product.query
        let plural = noun.hasSuffix("s") && !noun.hasSuffix("ss")
        let tail = trailing.isEmpty ? "" : " " + listed(trailing)
        if generator.next() % 2 == 0 || adjectives.isEmpty {
            let phrase = (adjectives.isEmpty ? noun : listed(adjectives) + " " + noun) + tail
            text += plural ? phrase : article(phrase) + " " + phrase
        } else {
            text += (plural ? "" : article(noun) + " ") + noun + tail + (plural ? " that are " : " that is ")
                + listed(adjectives)
        }
        let optionTexts = options.map { option -> String in
            switch option.group {
            case "color": return "in \(option.value) color"
            case "size": return "in size \(option.value)"
            case "scent": return "with \(option.value) scent"
            case "flavor": return "in \(option.value) flavor"
            case "capacity": return "with \(option.value) capacity"
            default: return "in the \(option.value) \(option.group)"
            }
        }
        if !optionTexts.isEmpty {
            text += ", " + optionTexts.joined(separator: " and ")
        }
        return text
    }

    /// "a", "a and b", "a, b and c".
    private static func listed(_ items: [String]) -> String {
        guard let last = items.last else { return "" }
        return items.count == 1 ? last : items.dropLast().joined(separator: ", ") + " and " + last
    }

    private static func article(_ word: String) -> String {
        let lowered = word.lowercased()
        guard let first = lowered.first, !lowered.hasPrefix("usb"), !lowered.hasPrefix("uni") else { return "a" }
        return "aeiou".contains(first) ? "an" : "a"
    }
}
