import Foundation

/// The shop's products, generated deterministically from a seed: WebShop's five categories (fashion, makeup,
/// electronics, furniture, food), ten product types each, `perType` products of each type with their own brand,
/// attributes, option values, price, bullet points, description and reviews.
public struct WebShopCatalog: Sendable {
    /// The seed the shipped catalogue and dev tasks use.
    public static let defaultSeed: UInt64 = 20_231_024
    /// Products per product type in the shipped catalogue (50 types, so 1,000 products).
    public static let defaultPerType = 20

    public let seed: UInt64
    public let products: [WebShopProduct]
    private let byASIN: [String: Int]

    /// Generates the catalogue for `seed`; the same seed always gives the same products in the same order.
    public init(seed: UInt64 = WebShopCatalog.defaultSeed, perType: Int = WebShopCatalog.defaultPerType) {
        self.seed = seed
        var generator = SeededGenerator(seed: seed)
        var used = Set<String>()
        var made: [WebShopProduct] = []
        for type in WebShopVocabulary.types {
            for _ in 0..<max(perType, 1) {
                made.append(WebShopCatalog.makeProduct(type, generator: &generator, usedASINs: &used))
            }
        }
        products = made
        byASIN = Dictionary(uniqueKeysWithValues: made.enumerated().map { ($0.element.asin, $0.offset) })
    }

    /// The product with this id (any letter case), if it exists.
    public func product(_ asin: String) -> WebShopProduct? {
        byASIN[asin.uppercased()].map { products[$0] }
    }

    // MARK: - Generation

    private static func makeProduct(_ type: WebShopProductType, generator: inout SeededGenerator,
                                    usedASINs: inout Set<String>) -> WebShopProduct {
        let asin = makeASIN(&generator, used: &usedASINs)
        let brands = WebShopVocabulary.brands[type.category] ?? ["Generic"]
        let brand = pick(brands, &generator)
        let series = pick(WebShopVocabulary.series, &generator)
        let attributeCount = min(type.attributes.count, 3 + Int(generator.next() % 2))
        let attributes = sample(type.attributes, count: attributeCount, &generator)
        var options: [WebShopOptionGroup] = []
        for group in type.options {
            let count = group.values.count <= 2
                ? group.values.count
                : 2 + Int(generator.next() % UInt64(group.values.count - 1))
            options.append(WebShopOptionGroup(name: group.name, values: sample(group.values, count: count,
                                                                                 &generator)))
        }
        let lowCents = Int(type.prices.lowerBound * 100)
        let highCents = Int(type.prices.upperBound * 100)
        let rawCents = lowCents + Int(generator.next() % UInt64(max(highCents - lowCents, 1)))
        let endings = [99, 49, 95, 0, 79]
        let cents = (rawCents / 100) * 100 + pick(endings, &generator)
        let price = Double(cents) / 100

        let shown = attributes.prefix(2).map(titleCase).joined(separator: ", ")
        let title = "\(brand) \(series) \(type.noun) - \(shown)"
        let blurb = WebShopVocabulary.blurbs[type.category] ?? ""
        var bullets = attributes.map { "\(titleCase($0)): this \(type.noun.lowercased()) is \($0) by design." }
        bullets.append(blurb)
        let description = "The \(brand) \(series) \(type.noun) is \(attributes.joined(separator: ", ")). "
            + "Available in \(options.map { "\($0.values.count) \($0.name)s" }.joined(separator: " and ")). \(blurb)"
        let rating: Double? = generator.next() % 2 == 0 ? nil : Double(35 + Int(generator.next() % 16)) / 10
        var reviews: [WebShopReview] = []
        for _ in 0..<Int(generator.next() % 3) {
            reviews.append(WebShopReview(title: pick(WebShopVocabulary.reviewTitles, &generator),
                                         score: 3 + Int(generator.next() % 3),
                                         body: pick(WebShopVocabulary.reviewBodies, &generator)))
        }
        return WebShopProduct(asin: asin, category: type.category, query: type.query,
                              productCategory: type.path, title: title, price: price, rating: rating,
                              attributes: attributes, options: options, bulletPoints: bullets,
                              description: description, reviews: reviews)
    }

    private static func makeASIN(_ generator: inout SeededGenerator, used: inout Set<String>) -> String {
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ")
        while true {
            var asin = "B0"
            for _ in 0..<8 { asin.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
            if used.insert(asin).inserted { return asin }
        }
    }

    static func pick<T>(_ items: [T], _ generator: inout SeededGenerator) -> T {
        items[Int(generator.next() % UInt64(items.count))]
    }

    /// `count` distinct items of `items`, kept in their original order.
    static func sample<T>(_ items: [T], count: Int, _ generator: inout SeededGenerator) -> [T] {
        var indices = Array(items.indices)
        for index in stride(from: indices.count - 1, to: 0, by: -1) {
            indices.swapAt(index, Int(generator.next() % UInt64(index + 1)))
        }
        return indices.prefix(count).sorted().map { items[$0] }
    }

    static func titleCase(_ phrase: String) -> String {
        phrase.split(separator: " ").map { word in
            word.prefix(1).uppercased() + word.dropFirst()
        }.joined(separator: " ")
    }
}
