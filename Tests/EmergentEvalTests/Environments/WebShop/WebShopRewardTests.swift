import EmergentCore
import Foundation
import Testing
@testable import EmergentEval

/// WebShop's reward on hand-computed cases: (attribute matches + option matches + price ok) /
/// (goal attributes + goal options + 1) × r_type.
@Suite struct WebShopRewardTests {
    static let leggings = WebShopProduct(
        asin: "B0TEST0001", category: "fashion", query: "women's yoga leggings",
        productCategory: "Clothing, Shoes & Jewelry › Women › Clothing › Active › Leggings",
        title: "Nordwave Classic Women's Yoga Leggings - High Waist, Tummy Control", price: 25.99, rating: nil,
        attributes: ["high waist", "tummy control", "machine wash"],
        options: [WebShopOptionGroup(name: "color", values: ["black", "navy"]),
                  WebShopOptionGroup(name: "size", values: ["small", "medium"])],
        bulletPoints: ["Squat proof fabric that stays opaque."], description: "Soft leggings for yoga.", reviews: [])

    static let goal = WebShopGoal(asin: "B0TEST0001", query: leggings.query, productCategory: leggings.productCategory,
                                  name: leggings.title, attributes: ["high waist", "machine wash"],
                                  options: ["black", "medium"], priceUpper: 30)

    func reward(_ selected: [String], product: WebShopProduct = leggings, goal: WebShopGoal = goal) -> Double {
        WebShopReward.compute(product: product, goal: goal, selected: selected).reward
    }

    @Test func perfectPurchaseIsOne() {
        #expect(reward(["black", "medium"]) == 1)
        // The order of the picked options does not matter.
        #expect(reward(["medium", "black"]) == 1)
    }

    @Test func eachMissedOptionCostsOneShareOfFive() {
        // 2 attributes + 2 options + price = 5 shares.
        #expect(reward(["navy", "medium"]) == 4.0 / 5)
        #expect(reward(["navy", "small"]) == 3.0 / 5)
        #expect(reward([]) == 3.0 / 5)
    }

    @Test func overPriceLosesThePricePoint() {
        var tight = Self.goal
        tight.priceUpper = 20
        #expect(reward(["black", "medium"], goal: tight) == 4.0 / 5)
        // No bound (WebShop's 1,000,000 or anything ≤ 0 counts as met).
        tight.priceUpper = 0
        #expect(reward(["black", "medium"], goal: tight) == 1)
    }

    @Test func attributesMatchFuzzilyOrInTheProductText() {
        var goal = Self.goal
        goal.attributes = ["waist high", "squat proof", "gluten free"]
        // "waist high" ~ "high waist" (token set 100); "squat proof" is in a bullet point; "gluten free" is nowhere.
        let result = WebShopReward.compute(product: Self.leggings, goal: goal, selected: ["black", "medium"])
        #expect(result.attributeMatches == 2)
        #expect(result.reward == 5.0 / 6)
    }

    @Test func wrongProductTypeMultipliesByTheTypeFactor() {
        // Shares only "women" of the goal title's 7 nouns (1/7 ≈ 0.14: not above 0.2, not under 0.1), another
        // query, one category part in common: r_type 0.5.
        let hoodie = WebShopProduct(
            asin: "B0TEST0002", category: "fashion", query: "women's pullover hoodie",
            productCategory: "Clothing, Shoes & Jewelry › Men › Hoodies",
            title: "Tidelark Essential Women's Pullover Hoodie", price: 20, rating: nil, attributes: ["high waist"],
            options: [WebShopOptionGroup(name: "color", values: ["black"])], bulletPoints: [], description: "",
            reviews: [])
        #expect(WebShopTitleNouns.nouns(Self.goal.name)
            == ["nordwave", "women", "yoga", "leggings", "waist", "tummy", "control"])
        let result = WebShopReward.compute(product: hoodie, goal: Self.goal, selected: ["black"])
        #expect(result.typeFactor == 0.5)
        #expect(!result.queryMatch && !result.categoryMatch)
        // (1 attribute + 1 option + price) / 5 × 0.5
        #expect(abs(result.reward - 0.3) < 1e-12)
    }

    @Test func aTitleWithNoSharedNounScoresZeroEvenInTheSameCategory() {
        let earbuds = WebShopProduct(
            asin: "B0TEST0003", category: "electronics", query: "wireless earbuds",
            productCategory: Self.leggings.productCategory,
            title: "Voltrix Prime Wireless Earbuds - Noise Cancelling", price: 10, rating: nil,
            attributes: ["high waist", "machine wash"], options: [], bulletPoints: [], description: "", reviews: [])
        let result = WebShopReward.compute(product: earbuds, goal: Self.goal, selected: ["black", "medium"])
        #expect(result.categoryMatch)
        #expect(result.titleScore == 0)
        #expect(result.reward == 0)
    }

    @Test func queryMatchKeepsTheFullTypeFactor() {
        var other = Self.leggings
        other.title = "Ruvelle Seamless Yoga Pants"
        other.productCategory = "Sports › Yoga"
        // Only "yoga" of the 7 goal nouns is shared (1/7), but the query matches, so r_type stays 1.
        let result = WebShopReward.compute(product: other, goal: Self.goal, selected: ["black", "medium"])
        #expect(result.queryMatch)
        #expect(result.typeFactor == 1)
        #expect(result.reward == 1)
    }

    @Test func tokenSetRatioMatchesThefuzz() {
        // Hand-computed: shared "1 fl of oz pack" (15 chars) against "1 fl of oz pack 6 76" (20): 2·15/35 ≈ 85.7,
        // against "1 fl of oz pack 2 5" (19): 2·15/34 ≈ 88.2; the best, rounded, is 88 (so two sizes "match").
        #expect(WebShopFuzzy.tokenSetRatio("6.76 fl oz (pack of 1)", "2.5 fl oz (pack of 1)") == 88)
        #expect(WebShopFuzzy.tokenSetRatio("black", "white") == 0)
        #expect(WebShopFuzzy.tokenSetRatio("medium", "small") == 18)
        #expect(WebShopFuzzy.tokenSetRatio("navy", "navy blue") == 100)
        #expect(WebShopFuzzy.tokenSetRatio("High Waist", "waist high") == 100)
        #expect(WebShopFuzzy.tokenSetRatio("", "black") == 0)
    }

    @Test func coloursNormaliseToWebShopsFirstListedColour() {
        #expect(WebShopFuzzy.normalizeColor("navy blue") == "blue")
        #expect(WebShopFuzzy.normalizeColor("heather gray") == "gray")
        #expect(WebShopFuzzy.normalizeColor("12 count") == "12 count")
        // So "light blue" and "navy blue" count as the same option, as in WebShop.
        #expect(WebShopReward.optionMatches(selected: ["navy blue"], goal: ["light blue"]) == 1)
    }
}
