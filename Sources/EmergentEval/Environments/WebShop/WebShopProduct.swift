import Foundation

/// One product of the generated WebShop catalogue, with the fields WebShop's reward reads: its search query and
/// category path (for the product-type match), its title, attributes, bullet points and description (for the
/// attribute match), its option groups and its price.
public struct WebShopProduct: Sendable, Hashable, Codable {
    /// The product id shown on results pages and clicked to open the item ("B07K3M9QXZ").
    public var asin: String
    /// One of WebShop's five top categories: `fashion`, `makeup`, `electronics`, `furniture`, `food`.
    public var category: String
    /// The product-type query it was listed under ("women's yoga leggings").
    public var query: String
    /// The category path, parts separated by " › ".
    public var productCategory: String
    public var title: String
    public var price: Double
    /// Star rating, or nil (shown as "N.A.").
    public var rating: Double?
    /// Attribute phrases ("machine wash", "high waist").
    public var attributes: [String]
    /// Option groups in display order ("color": ["black", "navy"]).
    public var options: [WebShopOptionGroup]
    public var bulletPoints: [String]
    public var description: String
    public var reviews: [WebShopReview]

    /// The price as pages show it ("$64.98").
    public var priceText: String { WebShopProduct.dollars(price) }

    static func dollars(_ value: Double) -> String { "$" + String(format: "%.2f", value) }
}

/// A named group of option values on an item page ("size": ["small", "medium"]).
public struct WebShopOptionGroup: Sendable, Hashable, Codable {
    public var name: String
    public var values: [String]

    public init(name: String, values: [String]) {
        self.name = name
        self.values = values
    }
}

/// A customer review shown on an item's Reviews page.
public struct WebShopReview: Sendable, Hashable, Codable {
    public var title: String
    public var score: Int
    public var body: String
}
