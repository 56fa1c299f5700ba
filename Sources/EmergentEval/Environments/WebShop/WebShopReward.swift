import Foundation

/// What a WebShop instruction asks for: the target product and the parts of it the reward checks.
public struct WebShopGoal: Sendable, Hashable, Codable {
    /// The target product's id.
    public var asin: String
    /// The target's search query (its product type), compared for the type match.
    public var query: String
    /// The target's category path ("A › B › C"), compared for the type match.
    public var productCategory: String
    /// The target's title, whose nouns are compared for the type match.
    public var name: String
    /// Attribute phrases the bought product should have.
    public var attributes: [String]
    /// Option values the agent should select (one per option group named in the instruction).
    public var options: [String]
    /// The price bound in dollars; 0 or less means no bound.
    public var priceUpper: Double
}

/// The parts of a reward, as WebShop's verbose reward info reports them.
public struct WebShopRewardBreakdown: Sendable, Hashable, Codable {
    public var reward: Double
    public var typeFactor: Double
    public var queryMatch: Bool
    public var categoryMatch: Bool
    public var titleScore: Double
    public var attributeMatches: Int
    public var optionMatches: Int
    public var priceOK: Bool
}

/// WebShop's reward (`get_reward` in its engine/goal.py), in our own code:
///
/// reward = (attribute matches + option matches + [price ≤ bound]) / (goal attributes + goal options + 1) × r_type
///
/// - An attribute matches when one of the product's attributes has a token-set similarity above 85 with it, or it
///   appears in the product's title, bullet points or description.
/// - An option matches when one of the selected option values (colour words normalised first) has a token-set
///   similarity above 85 with it.
/// - r_type is 1 when the product's query equals the goal's, or at least two parts of the category paths agree, or
///   more than 20% of the goal title's nouns are in the bought title; otherwise 0.5; and 0.1 when under 10% of the
///   nouns match, 0 when none do.
///
/// WebShop finds title nouns with spaCy's part-of-speech tagger; we approximate them (`WebShopTitleNouns`).
public enum WebShopReward {
    public static func compute(product: WebShopProduct, goal: WebShopGoal, selected: [String]) -> WebShopRewardBreakdown {
        let type = typeFactor(product: product, goal: goal)
        let attributes = attributeMatches(product: product, goal: goal)
        let options = optionMatches(selected: selected, goal: goal.options)
        let priceOK = goal.priceUpper <= 0 || product.price <= goal.priceUpper
        let total = Double(attributes + options + (priceOK ? 1 : 0))
            / Double(goal.attributes.count + goal.options.count + 1)
        return WebShopRewardBreakdown(reward: total * type.factor, typeFactor: type.factor,
                                      queryMatch: type.query, categoryMatch: type.category,
                                      titleScore: type.title, attributeMatches: attributes, optionMatches: options,
                                      priceOK: priceOK)
    }

    static func typeFactor(product: WebShopProduct, goal: WebShopGoal)
        -> (factor: Double, query: Bool, category: Bool, title: Double) {
        let queryMatch = product.query == goal.query
        let bought = Set(product.productCategory.components(separatedBy: "›").map(trim))
        let wanted = Set(goal.productCategory.components(separatedBy: "›").map(trim))
        let categoryMatch = bought.intersection(wanted).count >= 2
        let wantedNouns = WebShopTitleNouns.nouns(goal.name)
        let boughtNouns = Set(WebShopTitleNouns.nouns(product.title))
        let titleScore = wantedNouns.isEmpty
            ? 0.2
            : Double(Set(wantedNouns).intersection(boughtNouns).count) / Double(wantedNouns.count)
        var factor = 1.0
        if !(queryMatch || categoryMatch || titleScore > 0.2) { factor = 0.5 }
        if titleScore < 0.1 { factor = 0.1 }
        if titleScore == 0 { factor = 0 }
        return (factor, queryMatch, categoryMatch, titleScore)
    }

    static func attributeMatches(product: WebShopProduct, goal: WebShopGoal) -> Int {
        let title = product.title.lowercased()
        let bullets = product.bulletPoints.joined(separator: " ").lowercased()
        let description = product.description.lowercased()
        var matches = 0
        for wanted in goal.attributes {
            if product.attributes.contains(where: { WebShopFuzzy.tokenSetRatio($0, wanted) > 85 }) {
                matches += 1
            } else if title.contains(wanted) || bullets.contains(wanted) || description.contains(wanted) {
                matches += 1
            }
        }
        return matches
    }

    static func optionMatches(selected: [String], goal: [String]) -> Int {
        let chosen = selected.map(WebShopFuzzy.normalizeColor)
        var matches = 0
        for wanted in goal.map(WebShopFuzzy.normalizeColor)
        where chosen.contains(where: { WebShopFuzzy.tokenSetRatio($0, wanted) > 85 }) {
            matches += 1
        }
        return matches
    }

    private static func trim(_ text: String) -> String { text.trimmingCharacters(in: .whitespaces) }
}

/// The fuzzy string matching WebShop's reward uses (thefuzz's `token_set_ratio`) and its colour normalisation.
public enum WebShopFuzzy {
    /// Similarity 0...100 of two phrases as sets of words: the shared words are compared with each side's full
    /// word list (sorted), and the best of the three comparisons counts; 100 when one side's words all occur in
    /// the other.
    public static func tokenSetRatio(_ first: String, _ second: String) -> Int {
        let left = Set(tokens(first))
        let right = Set(tokens(second))
        guard !left.isEmpty, !right.isEmpty else { return 0 }
        let shared = left.intersection(right).sorted().joined(separator: " ")
        let onlyLeft = left.subtracting(right).sorted().joined(separator: " ")
        let onlyRight = right.subtracting(left).sorted().joined(separator: " ")
        if !shared.isEmpty, onlyLeft.isEmpty || onlyRight.isEmpty { return 100 }
        let combinedLeft = shared.isEmpty ? onlyLeft : shared + " " + onlyLeft
        let combinedRight = shared.isEmpty ? onlyRight : shared + " " + onlyRight
        var best = ratio(combinedLeft, combinedRight)
        if !shared.isEmpty {
            best = max(best, ratio(shared, combinedLeft), ratio(shared, combinedRight))
        }
        return Int(best.rounded())
    }

    /// 100 × (1 − insert/delete edit distance / total length): the normalised indel similarity.
    static func ratio(_ first: String, _ second: String) -> Double {
        let a = Array(first.unicodeScalars)
        let b = Array(second.unicodeScalars)
        let total = a.count + b.count
        guard total > 0 else { return 100 }
        var previous = [Int](repeating: 0, count: b.count + 1)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [Int](repeating: 0, count: b.count + 1)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : max(previous[j], current[j - 1])
            }
            previous = current
        }
        let common = previous[b.count]
        return 100 * Double(2 * common) / Double(total)
    }

    /// Lower-cased words of letters and digits (thefuzz's default processing).
    static func tokens(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
    }

    /// WebShop's colour list, in its order: a value containing one of these words is replaced by the first found.
    static let colors = [
        "alabaster", "apricot", "aqua", "ash", "asphalt", "azure", "banana", "beige", "black", "blue", "blush",
        "bordeaux", "bronze", "brown", "burgundy", "camel", "camo", "caramel", "champagne", "charcoal", "cheetah",
        "chestnut", "chocolate", "christmas", "coffee", "cognac", "copper", "coral", "cranberry", "cream",
        "crystal", "dark", "denim", "eggplant", "elephant", "espresso", "fuchsia", "gold", "granite", "grape",
        "graphite", "grass", "gray", "green", "grey", "heather", "indigo", "ivory", "ivy", "khaki", "lavender",
        "lemon", "leopard", "light", "lilac", "lime", "magenta", "maroon", "mauve", "merlot", "midnight", "mint",
        "mocha", "multicolor", "mushroom", "mustard", "natural", "navy", "nude", "olive", "orange", "peach",
        "pewter", "pink", "plum", "purple", "rainbow", "red", "rose", "royal", "rust", "sand", "sapphire",
        "seashell", "silver", "skull", "slate", "steel", "stone", "stonewash", "sunflower", "tan", "taupe", "teal",
        "tiger", "turquoise", "violet", "walnut", "wheat", "white", "wine", "yellow",
    ]

    /// The first colour word contained in `value` (as a substring, as WebShop does), or `value` itself.
    public static func normalizeColor(_ value: String) -> String {
        let lowered = value.lowercased()
        return colors.first(where: { lowered.contains($0) }) ?? value
    }
}

/// Our stand-in for the spaCy noun tagging in WebShop's type reward: a title's nouns are its lower-cased words
/// that are not stopwords, numbers, colours, attribute adjectives or the catalogue's series words.
public enum WebShopTitleNouns {
    static let excluded: Set<String> = {
        var words: Set<String> = [
            "a", "an", "and", "the", "of", "for", "with", "in", "on", "to", "by", "s", "up", "free", "high", "low",
            "long", "short", "light", "lightweight", "non", "slim", "regular", "classic", "quick", "fast",
            "wireless", "portable", "compact", "ergonomic", "waterproof", "organic", "natural", "raw", "extra",
            "daily", "easy", "protective", "unisex", "deluxe", "active", "built", "anti", "full", "hd", "soft",
            "moisturizing", "volumizing", "matte", "liquid", "mechanical", "athletic", "flat",
        ]
        words.formUnion(WebShopVocabulary.series.map { $0.lowercased() })
        words.formUnion(WebShopFuzzy.colors)
        return words
    }()

    /// The distinct nouns of `title`, in order of first appearance.
    public static func nouns(_ title: String) -> [String] {
        var seen = Set<String>()
        var nouns: [String] = []
        for word in WebShopFuzzy.tokens(title.replacingOccurrences(of: "'s", with: "")) {
            guard word.count > 1, !excluded.contains(word), word.contains(where: \.isLetter),
                  !word.allSatisfy(\.isNumber) else { continue }
            if seen.insert(word).inserted { nouns.append(word) }
        }
        return nouns
    }
}
