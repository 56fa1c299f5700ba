/// Turns passages into vectors for the knowledge base's semantic ranking. Vectors of one embedder must all have
/// the same length; they need not be normalised (similarity is the cosine).
public protocol PassageEmbedder: Sendable {
    func embed(_ texts: [String]) async throws -> [[Float]]
}
