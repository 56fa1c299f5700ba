import EmergentEngine

/// A ``PassageEmbedder`` over the engine's ``EmergentEngine/Embedder`` (mean-pooled, L2-normalised hidden
/// states of a GGUF model). Texts longer than ``maxCharacters`` are cut so they fit the embedder's context.
public struct EnginePassageEmbedder: PassageEmbedder {
    public let embedder: Embedder
    /// The most characters of one text that are embedded (about a quarter of as many tokens).
    public var maxCharacters: Int

    public init(embedder: Embedder, maxCharacters: Int? = nil) {
        self.embedder = embedder
        self.maxCharacters = maxCharacters ?? max(256, embedder.contextLength * 2)
    }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        var vectors: [[Float]] = []
        vectors.reserveCapacity(texts.count)
        for text in texts {
            let input = text.isEmpty ? " " : String(text.prefix(maxCharacters))
            vectors.append(try await embedder.embed(input))
        }
        return vectors
    }
}
