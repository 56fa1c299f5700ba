import CLlama

/// A reusable `llama_batch`, filled from Swift arrays: one sequence at a time (`fill`) or tokens of many
/// sequences side by side (`clear` + `append`).
final class TokenBatch {
    private var batch: llama_batch
    let capacity: Int
    private let tokens: UnsafeMutablePointer<llama_token>
    private let positions: UnsafeMutablePointer<llama_pos>
    private let sequenceCounts: UnsafeMutablePointer<Int32>
    private let sequenceIDs: UnsafeMutablePointer<UnsafeMutablePointer<llama_seq_id>?>
    private let outputs: UnsafeMutablePointer<Int8>

    init(capacity: Int) throws(EngineError) {
        let batch = llama_batch_init(Int32(capacity), 0, 1)
        guard let tokens = batch.token, let positions = batch.pos, let sequenceCounts = batch.n_seq_id,
            let sequenceIDs = batch.seq_id, let outputs = batch.logits
        else {
            llama_batch_free(batch)
            throw .contextCreationFailed(detail: "could not allocate a batch of \(capacity) tokens")
        }
        self.batch = batch
        self.capacity = capacity
        self.tokens = tokens
        self.positions = positions
        self.sequenceCounts = sequenceCounts
        self.sequenceIDs = sequenceIDs
        self.outputs = outputs
    }

    deinit { llama_batch_free(batch) }

    /// Fills the batch with `slice`, at positions starting from `position`, in sequence 0.
    /// - Parameter wantsOutput: whether logits are needed at a given absolute position.
    func fill(_ slice: ArraySlice<Token>, from position: Int, wantsOutput: (Int) -> Bool) -> Int {
        precondition(slice.count <= capacity, "batch overflow: \(slice.count) > \(capacity)")
        var outputCount = 0
        for (offset, token) in slice.enumerated() {
            tokens[offset] = token
            positions[offset] = llama_pos(position + offset)
            sequenceCounts[offset] = 1
            sequenceIDs[offset]?[0] = 0
            let output = wantsOutput(position + offset)
            outputs[offset] = output ? 1 : 0
            if output { outputCount += 1 }
        }
        batch.n_tokens = Int32(slice.count)
        return outputCount
    }

    /// Tokens in the batch.
    var count: Int { Int(batch.n_tokens) }

    /// Empties the batch.
    func clear() { batch.n_tokens = 0 }

    /// Adds one token of `sequence` at `position`; returns its index in the batch.
    @discardableResult
    func append(_ token: Token, position: Int, sequence: Int, output: Bool) -> Int {
        let index = Int(batch.n_tokens)
        precondition(index < capacity, "batch overflow: \(index + 1) > \(capacity)")
        tokens[index] = token
        positions[index] = llama_pos(position)
        sequenceCounts[index] = 1
        sequenceIDs[index]?[0] = llama_seq_id(sequence)
        outputs[index] = output ? 1 : 0
        batch.n_tokens += 1
        return index
    }

    /// Decodes the filled batch.
    func decode(in context: OpaquePointer) -> Int32 {
        llama_decode(context, batch)
    }
}
