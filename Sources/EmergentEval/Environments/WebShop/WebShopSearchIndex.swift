import Foundation

/// A BM25 index over the catalogue, as WebShop's Lucene index: each product's document is its title, description,
/// bullet points, attributes and option values. Search returns at most `limit` (50) product ids, best first, ties
/// broken by product id, so results never depend on anything but the query.
public struct WebShopSearchIndex: Sendable {
    /// How many results a search returns (WebShop's SEARCH_RETURN_N).
    public static let limit = 50
    /// BM25 parameters (Lucene/Pyserini defaults for WebShop: k1 0.9, b 0.4).
    static let k1 = 0.9
    static let b = 0.4

    private let asins: [String]
    private let termFrequencies: [[String: Int]]
    private let lengths: [Double]
    private let documentFrequency: [String: Int]
    private let averageLength: Double

    public init(_ catalog: WebShopCatalog) {
        var asins: [String] = []
        var frequencies: [[String: Int]] = []
        var lengths: [Double] = []
        var documentFrequency: [String: Int] = [:]
        for product in catalog.products {
            let options = product.options.map { "\($0.name): \($0.values.joined(separator: ", "))" }
            let text = ([product.title, product.description] + product.bulletPoints + product.attributes + options)
                .joined(separator: " ")
            let terms = WebShopSearchIndex.terms(text)
            var counts: [String: Int] = [:]
            for term in terms { counts[term, default: 0] += 1 }
            for term in counts.keys { documentFrequency[term, default: 0] += 1 }
            asins.append(product.asin)
            frequencies.append(counts)
            lengths.append(Double(terms.count))
        }
        self.asins = asins
        termFrequencies = frequencies
        self.lengths = lengths
        self.documentFrequency = documentFrequency
        averageLength = lengths.isEmpty ? 1 : lengths.reduce(0, +) / Double(lengths.count)
    }

    /// The ids of the best-matching products for `query`, at most `limit`, best first. Products that share no
    /// term with the query are not returned.
    public func search(_ query: String, limit: Int = WebShopSearchIndex.limit) -> [String] {
        let queryTerms = WebShopSearchIndex.terms(query)
        guard !queryTerms.isEmpty else { return [] }
        let count = Double(asins.count)
        var scored: [(score: Double, asin: String)] = []
        for (index, counts) in termFrequencies.enumerated() {
            var score = 0.0
            for term in queryTerms {
                guard let frequency = counts[term], let df = documentFrequency[term] else { continue }
                let idf = log(1 + (count - Double(df) + 0.5) / (Double(df) + 0.5))
                let tf = Double(frequency)
                let norm = tf + WebShopSearchIndex.k1 * (1 - WebShopSearchIndex.b + WebShopSearchIndex.b
                    * lengths[index] / averageLength)
                score += idf * tf * (WebShopSearchIndex.k1 + 1) / norm
            }
            if score > 0 { scored.append((score, asins[index])) }
        }
        scored.sort { lhs, rhs in
            // Round so that floating-point noise never decides an order; equal scores go by product id.
            let left = (lhs.score * 1e9).rounded()
            let right = (rhs.score * 1e9).rounded()
            return left != right ? left > right : lhs.asin < rhs.asin
        }
        return scored.prefix(limit).map(\.asin)
    }

    static let stopwords: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not",
        "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was",
        "will", "with", "i", "need", "want", "looking", "am", "me", "my", "price", "lower", "than", "dollars",
    ]

    /// Lower-cased alphanumeric terms, stopwords dropped, a plural "s" stripped (a light stand-in for Lucene's
    /// English analyzer).
    static func terms(_ text: String) -> [String] {
        var terms: [String] = []
        var current = ""
        func flush() {
            defer { current = "" }
            guard !current.isEmpty, !stopwords.contains(current) else { return }
            var term = current
            if term.count > 3, term.hasSuffix("s"), !term.hasSuffix("ss") { term.removeLast() }
            terms.append(term)
        }
        for scalar in text.lowercased().unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar), scalar.isASCII {
                current.unicodeScalars.append(scalar)
            } else if scalar == "'" || scalar == "’" {
                continue
            } else {
                flush()
            }
        }
        flush()
        return terms
    }
}
