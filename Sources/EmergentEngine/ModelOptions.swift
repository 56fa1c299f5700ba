/// How a model's weights are loaded.
public struct ModelOptions: Sendable, Hashable {
    /// Map the file into memory instead of reading it (fast start, pages shared with the OS cache).
    public var useMemoryMap: Bool
    /// Pin the weights in RAM so the OS never swaps them out.
    public var lockInMemory: Bool
    /// Load only the vocabulary (tokenizer tests, token counting); no weights, no inference.
    public var vocabularyOnly: Bool

    public init(useMemoryMap: Bool = true, lockInMemory: Bool = false, vocabularyOnly: Bool = false) {
        self.useMemoryMap = useMemoryMap
        self.lockInMemory = lockInMemory
        self.vocabularyOnly = vocabularyOnly
    }
}
