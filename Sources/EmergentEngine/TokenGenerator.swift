/// Anything that turns a prompt into a stream of generation events: an `InferenceSession` (one conversation) or
/// a `BatchEngine` (many requests decoded together).
public protocol TokenGenerator: Sendable {
    /// The model that generates.
    var model: Model { get }
    /// Starts a generation. Problems found before decoding (bad options, a prompt too long, a full queue) may be
    /// thrown here; later ones end the stream.
    func generate(_ prompt: Prompt, options: GenerationOptions) async throws -> AsyncThrowingStream<
        GenerationEvent, any Error
    >
}

extension InferenceSession: TokenGenerator {}

extension BatchEngine: TokenGenerator {
    public nonisolated func generate(
        _ prompt: Prompt, options: GenerationOptions
    ) async throws -> AsyncThrowingStream<GenerationEvent, any Error> {
        try await submit(prompt, options: options)
    }
}
