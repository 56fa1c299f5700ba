import Foundation
import Synchronization

/// A catalogue with its search index: everything an episode reads and never changes, shared by all episodes of
/// the same seed.
public struct WebShopWorld: Sendable {
    public let catalog: WebShopCatalog
    public let index: WebShopSearchIndex

    public init(seed: UInt64 = WebShopCatalog.defaultSeed) {
        catalog = WebShopCatalog(seed: seed)
        index = WebShopSearchIndex(catalog)
    }

    private static let cache = Mutex<[UInt64: WebShopWorld]>([:])

    /// The world for `seed`, generated once per process.
    public static func shared(seed: UInt64) -> WebShopWorld {
        if let world = cache.withLock({ $0[seed] }) { return world }
        let world = WebShopWorld(seed: seed)
        return cache.withLock { worlds in
            if let existing = worlds[seed] { return existing }
            worlds[seed] = world
            return world
        }
    }
}
