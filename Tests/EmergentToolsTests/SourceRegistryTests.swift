import EmergentTools
import Testing

@Suite("Source registry")
struct SourceRegistryTests {
    @Test("a URL keeps its id, and a later title fills an empty one")
    func stableIDs() async {
        let registry = SourceRegistry()
        let first = await registry.register(url: "https://a.example/", title: "")
        let second = await registry.register(url: "https://b.example/", title: "B")
        let again = await registry.register(url: "https://a.example/", title: "A")
        #expect(first.id == "0")
        #expect(second.id == "1")
        #expect(again.id == "0")
        #expect(await registry.source(id: "0")?.title == "A")
        #expect(await registry.all().map(\.url) == ["https://a.example/", "https://b.example/"])
    }
}
