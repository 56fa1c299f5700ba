import Dispatch
import Foundation
import GRDB
import Logging

/// An agent's documents, chunked and indexed for retrieval.
///
/// Files are read as text (``DocumentTextExtractor``), cut into passages (``TextChunker``) and indexed with
/// SQLite FTS5; queries rank passages by BM25 (headings weigh twice the body). With a ``PassageEmbedder`` each
/// passage also gets a vector, the query is embedded too, and the BM25 ranking and the cosine-similarity ranking
/// (top ``candidates`` of each) are merged by reciprocal rank fusion, `score = Σ 1/(60 + rank)` (``RankFusion``).
///
/// The index is in memory, or in `knowledge.sqlite` under a folder so it survives restarts; ``index(files:)``
/// re-reads only files whose content hash changed and drops files no longer attached.
public actor KnowledgeBase {
    /// What ``index(files:)`` did.
    public struct IndexReport: Sendable, Hashable {
        /// Files read and (re)indexed.
        public var indexed: [String] = []
        /// Files whose content had not changed.
        public var unchanged: [String] = []
        /// Files dropped from the index because they are no longer attached.
        public var removed: [String] = []
        /// Files that could not be indexed, with the reason.
        public var failed: [String: String] = [:]
    }

    public let chunker: TextChunker
    /// How many passages each ranking contributes to the fusion.
    public let candidates: Int
    private let database: any DatabaseWriter
    private let embedder: (any PassageEmbedder)?
    private let logger: Logger

    /// A knowledge base stored in `folder/knowledge.sqlite`, or in memory when `folder` is nil.
    public init(
        folder: URL? = nil, embedder: (any PassageEmbedder)? = nil, chunker: TextChunker = TextChunker(),
        candidates: Int = 50, logger: Logger = Logger(label: "emergent.knowledge")
    ) throws(KnowledgeError) {
        let database: DatabaseQueue
        do {
            if let folder {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                database = try DatabaseQueue(path: folder.appendingPathComponent("knowledge.sqlite").path)
            } else {
                database = try DatabaseQueue()
            }
            try database.write { db in
                try db.execute(
                    sql: """
                        CREATE TABLE IF NOT EXISTS files (
                            name TEXT PRIMARY KEY, hash TEXT NOT NULL, embedded INTEGER NOT NULL);
                        CREATE VIRTUAL TABLE IF NOT EXISTS passages USING fts5(
                            file UNINDEXED, ordinal UNINDEXED, heading, body, tokenize = 'porter unicode61');
                        CREATE TABLE IF NOT EXISTS vectors (
                            passage INTEGER PRIMARY KEY, file TEXT NOT NULL, vector BLOB NOT NULL);
                        """)
            }
        } catch {
            throw .index("could not open the index: \(error)")
        }
        self.database = database
        self.embedder = embedder
        self.chunker = chunker
        self.candidates = candidates
        self.logger = logger
    }

    /// Makes the index match `files`: new and changed files are (re)indexed, unchanged ones kept, and files no
    /// longer listed removed. A file that cannot be read is reported in ``IndexReport/failed`` and the others
    /// are still indexed. Throws only when the index itself fails or two files share a name.
    @discardableResult
    public func index(files: [URL]) async throws(KnowledgeError) -> IndexReport {
        var seen = Set<String>()
        for file in files where !seen.insert(file.lastPathComponent).inserted {
            throw .duplicateName(file.lastPathComponent)
        }
        var report = IndexReport()
        let known: [String: (hash: String, embedded: Bool)]
        do {
            known = try await database.read { db in
                var map: [String: (hash: String, embedded: Bool)] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT name, hash, embedded FROM files") {
                    map[row["name"]] = (row["hash"], row["embedded"])
                }
                return map
            }
        } catch {
            throw .index("could not read the file table: \(error)")
        }
        let wantsVectors = embedder != nil
        for file in files {
            let name = file.lastPathComponent
            let loaded: Result<(hash: String, data: Data), KnowledgeError> = await Self.offPool {
                do {
                    let data = try Data(contentsOf: file)
                    return .success((Self.hash(data), data))
                } catch {
                    return .failure(.unreadable(file: name, detail: error.localizedDescription))
                }
            }
            let hash: String
            let data: Data
            switch loaded {
            case .success(let value): (hash, data) = value
            case .failure(let error):
                report.failed[name] = error.description
                continue
            }
            if let previous = known[name], previous.hash == hash, previous.embedded || !wantsVectors {
                report.unchanged.append(name)
                continue
            }
            do {
                try await indexFile(name: name, url: file, data: data, hash: hash)
                report.indexed.append(name)
            } catch let error as KnowledgeError {
                if case .index = error { throw error }
                report.failed[name] = error.description
            } catch {
                report.failed[name] = "\(error)"
            }
        }
        for name in known.keys.sorted() where !seen.contains(name) {
            do {
                try await database.write { db in try Self.delete(name, in: db) }
            } catch {
                throw .index("could not remove \(name): \(error)")
            }
            report.removed.append(name)
        }
        logger.info(
            "knowledge indexed",
            metadata: [
                "indexed": "\(report.indexed.count)", "unchanged": "\(report.unchanged.count)",
                "removed": "\(report.removed.count)", "failed": "\(report.failed.count)",
            ])
        return report
    }

    private func indexFile(name: String, url: URL, data: Data, hash: String) async throws {
        let chunker = self.chunker
        let extracted: Result<[TextChunker.Chunk], KnowledgeError> = await Self.offPool {
            do throws(KnowledgeError) {
                return .success(chunker.chunks(of: try DocumentTextExtractor.text(of: url, data: data)))
            } catch {
                return .failure(error)
            }
        }
        let chunks = try extracted.get()
        var vectors: [[Float]]?
        if let embedder, !chunks.isEmpty {
            var all: [[Float]] = []
            for batch in stride(from: 0, to: chunks.count, by: 16) {
                let texts = chunks[batch..<min(batch + 16, chunks.count)].map { chunk in
                    chunk.heading.isEmpty ? chunk.text : "\(chunk.heading)\n\(chunk.text)"
                }
                let made = try await embedder.embed(texts)
                guard made.count == texts.count else {
                    throw KnowledgeError.embeddingMismatch(detail: "\(made.count) vectors for \(texts.count) passages")
                }
                all += made
            }
            vectors = all
        }
        let embedded = vectors != nil
        let stored = vectors
        do {
            try await database.write { db in
                try Self.delete(name, in: db)
                for (index, chunk) in chunks.enumerated() {
                    try db.execute(
                        sql: "INSERT INTO passages (file, ordinal, heading, body) VALUES (?, ?, ?, ?)",
                        arguments: [name, chunk.ordinal, chunk.heading, chunk.text])
                    if let vector = stored?[index] {
                        try db.execute(
                            sql: "INSERT INTO vectors (passage, file, vector) VALUES (?, ?, ?)",
                            arguments: [db.lastInsertedRowID, name, Self.blob(vector)])
                    }
                }
                try db.execute(
                    sql: "INSERT INTO files (name, hash, embedded) VALUES (?, ?, ?)",
                    arguments: [name, hash, embedded])
            }
        } catch {
            throw KnowledgeError.index("could not store the passages of \(name): \(error)")
        }
    }

    /// The best `limit` passages for `query`.
    public func search(_ query: String, limit: Int = 5) async throws -> [KnowledgePassage] {
        let candidates = self.candidates
        var lists: [[Int64]] = []
        if let expression = LocalSearchProvider.matchExpression(query) {
            do {
                lists.append(
                    try await database.read { db in
                        try Int64.fetchAll(
                            db,
                            sql: """
                                SELECT rowid FROM passages WHERE passages MATCH ?
                                ORDER BY bm25(passages, 0, 0, 2.0, 1.0) LIMIT ?
                                """,
                            arguments: [expression, candidates])
                    })
            } catch {
                throw KnowledgeError.index("the query '\(query)' failed: \(error)")
            }
        }
        if let embedder, !query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            guard let queryVector = try await embedder.embed([query]).first else {
                throw KnowledgeError.embeddingMismatch(detail: "no vector for the query")
            }
            let stored: [(Int64, [Float])] = try await database.read { db in
                try Row.fetchAll(db, sql: "SELECT passage, vector FROM vectors").map { row in
                    (row["passage"], Self.vector(row["vector"]))
                }
            }
            let ranked = stored.map { ($0.0, Self.cosine(queryVector, $0.1)) }
                .sorted { $0.1 > $1.1 }
                .prefix(candidates)
                .map(\.0)
            lists.append(Array(ranked))
        }
        let fused = RankFusion.fuse(lists).prefix(limit)
        guard !fused.isEmpty else { return [] }
        let ids = fused.map(\.id)
        let scores = Dictionary(fused.map { ($0.id, $0.score) }, uniquingKeysWith: { first, _ in first })
        let found: [Int64: KnowledgePassage] = try await database.read { db in
            let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ",")
            let rows = try Row.fetchAll(
                db, sql: "SELECT rowid, file, ordinal, heading, body FROM passages WHERE rowid IN (\(placeholders))",
                arguments: StatementArguments(ids))
            var passages: [Int64: KnowledgePassage] = [:]
            for row in rows {
                let id: Int64 = row["rowid"]
                passages[id] = KnowledgePassage(
                    file: row["file"], ordinal: row["ordinal"], heading: row["heading"], text: row["body"],
                    score: scores[id] ?? 0)
            }
            return passages
        }
        return ids.compactMap { found[$0] }
    }

    /// The names of the indexed files.
    public func fileNames() async throws -> [String] {
        try await database.read { db in try String.fetchAll(db, sql: "SELECT name FROM files ORDER BY name") }
    }

    private static func delete(_ name: String, in db: Database) throws {
        try db.execute(sql: "DELETE FROM passages WHERE file = ?", arguments: [name])
        try db.execute(sql: "DELETE FROM vectors WHERE file = ?", arguments: [name])
        try db.execute(sql: "DELETE FROM files WHERE name = ?", arguments: [name])
    }

    /// 64-bit FNV-1a of the bytes, as hex: enough to notice a changed file.
    static func hash(_ data: Data) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01b3
        }
        return String(value, radix: 16) + "-\(data.count)"
    }

    static func blob(_ vector: [Float]) -> Data {
        vector.withUnsafeBufferPointer { Data(buffer: $0) }
    }

    static func vector(_ data: Data) -> [Float] {
        var vector = [Float](repeating: 0, count: data.count / MemoryLayout<Float>.size)
        _ = vector.withUnsafeMutableBytes { data.copyBytes(to: $0) }
        return vector
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return -1 }
        var dot = 0.0
        var normA = 0.0
        var normB = 0.0
        for index in a.indices {
            dot += Double(a[index]) * Double(b[index])
            normA += Double(a[index]) * Double(a[index])
            normB += Double(b[index]) * Double(b[index])
        }
        guard normA > 0, normB > 0 else { return -1 }
        return dot / (normA.squareRoot() * normB.squareRoot())
    }

    /// Runs blocking work (file reads, HTML parsing, pdftotext) on a dispatch queue instead of the cooperative pool.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async { continuation.resume(returning: work()) }
        }
    }
}
