import EmergentCore
import EmergentTools
import Foundation
import Testing

@Suite("Knowledge base: chunking, FTS5 BM25, reindexing, PDF, citations")
struct KnowledgeBaseTests {
    static let files = ["solar-panels.md", "vacation-policy.txt", "office.html"].map {
        TestSupport.knowledge.appendingPathComponent($0)
    }

    @Test(
        "search returns the passage that answers the query first",
        arguments: [
            ("inverter error code 567", "solar-panels.md", "Inverter", "Fronius Primo"),
            ("how often clean panels pressure washer", "solar-panels.md", "Cleaning", "twice a year"),
            ("carry over unused vacation days", "vacation-policy.txt", "", "first quarter"),
            ("guest wifi password", "office.html", "Wi-Fi", "Harbour-Guest"),
        ])
    func retrieval(query: String, file: String, heading: String, phrase: String) async throws {
        let base = try KnowledgeBase()
        let report = try await base.index(files: Self.files)
        #expect(report.indexed.sorted() == ["office.html", "solar-panels.md", "vacation-policy.txt"])
        let first = try #require(try await base.search(query).first)
        #expect(first.file == file)
        #expect(first.heading == heading)
        #expect(first.text.contains(phrase))
    }

    @Test("HTML scripts are not indexed")
    func htmlScripts() async throws {
        let base = try KnowledgeBase()
        try await base.index(files: Self.files)
        #expect(try await base.search("do not index me").allSatisfy { !$0.text.contains("index me") })
    }

    @Test("knowledge_search cites passages as knowledge://file#chunk with file and heading")
    func tool() async throws {
        let base = try KnowledgeBase()
        try await base.index(files: Self.files)
        let tool = try #require(try await KnowledgeProvider(base: base).tools().first)
        #expect(tool.spec.name == "knowledge_search")
        let sources = SourceRegistry()
        let output = try await tool.call(
            ["query": "inverter error 567", "limit": 2], context: TestSupport.context(sources: sources))
        let citation = try #require(output.citations.first)
        #expect(citation.title == "solar-panels.md — Inverter")
        #expect(citation.url.hasPrefix("knowledge://solar-panels.md#"))
        #expect(citation.quote?.contains("error code 567") == true)
        #expect(output.text.hasPrefix("【\(citation.id)†solar-panels.md — Inverter】 \(citation.url)\n"))
        #expect(await sources.source(id: citation.id)?.url == citation.url)
        #expect(output.citations.count <= 2)
    }

    @Test("only changed files are reindexed, and detached files are removed")
    func reindexing() async throws {
        let folder = try TestSupport.temporaryFolder()
        let a = folder.appendingPathComponent("a.md")
        let b = folder.appendingPathComponent("b.txt")
        try "# Alpha\nThe lighthouse keeper logs every ship.".write(to: a, atomically: true, encoding: .utf8)
        try "Bravo notes about the harbour crane.".write(to: b, atomically: true, encoding: .utf8)
        let index = folder.appendingPathComponent("index")
        do {
            let base = try KnowledgeBase(folder: index)
            #expect(try await base.index(files: [a, b]).indexed.sorted() == ["a.md", "b.txt"])
        }
        // A new instance on the same folder sees the stored hashes.
        let base = try KnowledgeBase(folder: index)
        let unchanged = try await base.index(files: [a, b])
        #expect(unchanged.indexed.isEmpty)
        #expect(unchanged.unchanged.sorted() == ["a.md", "b.txt"])
        try "# Alpha\nThe lighthouse keeper now counts seals.".write(to: a, atomically: true, encoding: .utf8)
        let changed = try await base.index(files: [a])
        #expect(changed.indexed == ["a.md"])
        #expect(changed.removed == ["b.txt"])
        #expect(try await base.search("seals").first?.file == "a.md")
        #expect(try await base.search("ship").isEmpty)
        #expect(try await base.search("crane").isEmpty)
        #expect(try await base.fileNames() == ["a.md"])
    }

    @Test("unsupported and missing files are reported, the rest indexed; duplicate names are refused")
    func failures() async throws {
        let folder = try TestSupport.temporaryFolder()
        let image = folder.appendingPathComponent("photo.png")
        try Data([0x89, 0x50]).write(to: image)
        let base = try KnowledgeBase()
        let report = try await base.index(files: [image, folder.appendingPathComponent("gone.txt"), Self.files[1]])
        #expect(report.indexed == ["vacation-policy.txt"])
        #expect(report.failed["photo.png"]?.contains("cannot be indexed") == true)
        #expect(report.failed["gone.txt"] != nil)
        let other = folder.appendingPathComponent("vacation-policy.txt")
        try "copy".write(to: other, atomically: true, encoding: .utf8)
        await #expect(throws: KnowledgeError.duplicateName("vacation-policy.txt")) {
            try await base.index(files: [Self.files[1], other])
        }
    }

    @Test("a PDF is read with pdftotext and its passage found")
    func pdf() async throws {
        try #require(DocumentTextExtractor.pdftotextPath != nil, "pdftotext (poppler-utils) is not installed")
        let folder = try TestSupport.temporaryFolder()
        let file = folder.appendingPathComponent("warranty.pdf")
        try MinimalPDF.make(lines: [
            "Warranty terms", "The battery storage unit is covered for ten years.",
            "Claims go to warranty@helios.example within 30 days.",
        ]).write(to: file)
        let base = try KnowledgeBase()
        let report = try await base.index(files: [file])
        #expect(report.indexed == ["warranty.pdf"], "\(report.failed)")
        let first = try #require(try await base.search("battery storage warranty years").first)
        #expect(first.file == "warranty.pdf")
        #expect(first.text.contains("covered for ten years"))
    }

    @Test("a file that is not a PDF is reported as a pdftotext failure")
    func badPDF() async throws {
        try #require(DocumentTextExtractor.pdftotextPath != nil, "pdftotext (poppler-utils) is not installed")
        let folder = try TestSupport.temporaryFolder()
        let file = folder.appendingPathComponent("fake.pdf")
        try "not a pdf at all".write(to: file, atomically: true, encoding: .utf8)
        let report = try await KnowledgeBase().index(files: [file])
        #expect(report.failed["fake.pdf"]?.contains("pdftotext could not read fake.pdf") == true)
    }
}
