import EmergentCore
import EmergentEngine
import EmergentEval
import EmergentModels
import Foundation
import Testing

/// An `.npy` file read back: shape, and values as Int32 or Float.
struct NPYArray {
    var descr: String
    var shape: [Int]
    var payload: Data

    init(contentsOf url: URL) throws {
        let data = try Data(contentsOf: url)
        let bytes = [UInt8](data)
        #expect(Array(bytes.prefix(6)) == [0x93] + Array("NUMPY".utf8))
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        let header = String(decoding: bytes[10..<10 + headerLength], as: UTF8.self)
        descr = header.contains("'<f4'") ? "<f4" : "<i4"
        let shapeText = try #require(header.split(separator: "(").last?.split(separator: ")").first)
        shape = shapeText.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        payload = data.subdata(in: (10 + headerLength)..<data.count)
    }

    var int32s: [Int32] { payload.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) } }
    var floats: [Float] { payload.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) } }
}

@Suite("Packing: end to end with the default model's tokenizer")
struct PackingEndToEndTests {
    static let jsonl = """
        {"messages": [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "What is the capital of France?"}, {"role": "assistant", "content": "Paris."}]}
        {"conversations": [{"from": "human", "value": "Count to three."}, {"from": "gpt", "value": "One, two, three."}, {"from": "human", "value": "And back?"}, {"from": "gpt", "value": "Three, two, one."}]}
        {"messages": [{"role": "user", "content": "No answer here."}]}
        {"messages": [{"role": "user", "content": "Name a colour."}, {"role": "assistant", "content": "Blue, the colour of a clear sky on a long summer afternoon by the sea."}]}
        """

    func pack(method: PackingMethod, maxTokens: Int = 4_096) async throws -> (
        PackingReport, PackingIndex, URL, Tokenizer
    ) {
        let model = try await Model.load(
            from: EmergentPaths().defaultModel.path, options: ModelOptions(vocabularyOnly: true))
        let format: any ChatPromptFormat = try ChatTemplate.of(model) ?? PlainChatFormat()
        let encoder = ConversationEncoder(format: format, tokenizer: ModelTextTokenizer(model: model))
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("emergent-pack-\(UUID().uuidString)")
        let pipeline = try PackingPipeline(
            method: method, planner: BatchPlanner(batchSize: 2, maxTokens: maxTokens, seed: 1),
            tokenizerName: "gemma")
        let report = try await pipeline.run(
            conversations: try ConversationFile(text: Self.jsonl).conversations, input: "test.jsonl",
            encoder: encoder, directory: directory)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let index = try decoder.decode(
            PackingIndex.self, from: Data(contentsOf: directory.appendingPathComponent("index.json")))
        return (report, index, directory, model.tokenizer)
    }

    @Test("packed batches read back with user tokens ignored, restarting positions, consistent cu_seqlens and weights")
    func packedRoundTrip() async throws {
        let (report, index, directory, tokenizer) = try await pack(method: .pack)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(report.conversations == 4)
        #expect(report.sequences == 3)
        #expect(report.skippedWithoutTargets == 1)
        #expect(index.shards.count == 1)
        let shard = try #require(index.shards.first)
        func array(_ name: String) throws -> NPYArray {
            try NPYArray(contentsOf: directory.appendingPathComponent(try #require(shard.files[name])))
        }
        let ids = try array("input_ids"), labels = try array("labels"), positions = try array("position_ids")
        let cu = try array("cu_seqlens"), weights = try array("loss_weights")
        #expect(ids.shape == [1, report.tokens])
        #expect(labels.shape == ids.shape && positions.shape == ids.shape && weights.shape == ids.shape)
        #expect(shard.shapes["input_ids"] == ids.shape)
        let cuValues = cu.int32s.map(Int.init)
        #expect(cu.shape == [4] && cuValues.first == 0 && cuValues.last == report.tokens)
        let positionValues = positions.int32s
        let idValues = ids.int32s
        let labelValues = labels.int32s
        let weightValues = weights.floats
        for (start, end) in zip(cuValues, cuValues.dropFirst()) {
            #expect(positionValues[start..<end].map(Int.init) == Array(0..<(end - start)))
            // Each sequence's targets are exactly its assistant text, and the user's words carry no label.
            let targets = (start..<end).filter { labelValues[$0] != -100 }
            #expect(!targets.isEmpty)
            for position in targets { #expect(labelValues[position] == idValues[position]) }
            let ignored = (start..<end).filter { labelValues[$0] == -100 }.map { idValues[$0] }
            let ignoredText = tokenizer.detokenize(ignored)
            let targetText = tokenizer.detokenize(targets.map { idValues[$0] })
            #expect(!ignoredText.isEmpty)
            #expect(!targetText.contains("?"))  // every user turn in the data asks a question
            for position in start..<end {
                #expect((weightValues[position] > 0) == (labelValues[position] != -100))
            }
        }
        // K = 1 pack, M = 3 sequences: each sequence's weights sum to K/M, the pack's to K = 1.
        #expect(abs(weightValues.reduce(0, +) - 1) < 1e-5)
        let wholeText = tokenizer.detokenize(labelValues.filter { $0 != -100 })
        #expect(wholeText.contains("Paris.") && wholeText.contains("Three, two, one.") && wholeText.contains("Blue"))
        #expect(!wholeText.contains("capital of France"))
    }

    @Test("naive batches are padded rectangles whose padding carries no label and no weight")
    func naivePadding() async throws {
        let (report, index, directory, _) = try await pack(method: .naive)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(index.shards.count == 2)
        var weightTotal: Float = 0
        for shard in index.shards {
            let ids = try NPYArray(contentsOf: directory.appendingPathComponent(try #require(shard.files["input_ids"])))
            let labels = try NPYArray(contentsOf: directory.appendingPathComponent(try #require(shard.files["labels"])))
            let weights = try NPYArray(
                contentsOf: directory.appendingPathComponent(try #require(shard.files["loss_weights"])))
            let cu = try NPYArray(contentsOf: directory.appendingPathComponent(try #require(shard.files["cu_seqlens"])))
            #expect(ids.shape.count == 2 && ids.shape[0] == shard.sequences)
            #expect(cu.int32s.last.map(Int.init) == shard.tokens)
            #expect(labels.int32s.filter { $0 != -100 }.count == shard.targetTokens)
            weightTotal += weights.floats.reduce(0, +)
        }
        // Summed over all K batches the weights give K: each batch averages to one sequence-mean per batch.
        #expect(abs(weightTotal - Float(index.shards.count)) < 1e-4)
        #expect(report.plans.first { $0.method == .naive }?.processedTokens == index.totals.processedTokens)
    }

    @Test("sequences over max-tokens are truncated, and those left without targets are skipped")
    func truncation() throws {
        let ignored = TokenizedSequence.ignoredLabel
        let fits = TokenizedSequence(tokens: [1, 2, 3], labels: [ignored, 2, 3])
        let cut = TokenizedSequence(tokens: [1, 2, 3, 4, 5, 6], labels: [ignored, 2, ignored, ignored, 5, 6])
        let emptied = TokenizedSequence(tokens: [1, 2, 3, 4, 5], labels: [ignored, ignored, ignored, ignored, 5])
        let pipeline = try PackingPipeline(method: .pack, planner: BatchPlanner(maxTokens: 4), tokenizerName: "test")
        let result = pipeline.fitting([fits, cut, emptied])
        #expect(
            result.sequences == [
                fits, TokenizedSequence(tokens: [1, 2, 3, 4], labels: [ignored, 2, ignored, ignored]),
            ])
        #expect(result.truncated == 2)
        #expect(result.emptied == 1)
    }

    @Test("a zero max-tokens or batch size is refused")
    func badOptions() {
        #expect(throws: PackingError.self) {
            try PackingPipeline(method: .pack, planner: BatchPlanner(maxTokens: 0), tokenizerName: "test")
        }
        #expect(throws: PackingError.self) {
            try PackingPipeline(method: .naive, planner: BatchPlanner(batchSize: 0), tokenizerName: "test")
        }
    }
}
