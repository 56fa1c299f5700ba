import EmergentTools
import Foundation
import Testing

@Suite("HTML to readable text")
struct HTMLReaderTests {
    static func read(_ html: String, base: String = "https://example.org/dir/page.html") -> ReadableDocument {
        HTMLReader.readBlocking(html: Array(html.utf8), baseURL: URL(string: base))
    }

    @Test("a table keeps its rows as pipe-separated cells, with a header separator")
    func tables() throws {
        let html = try String(contentsOf: TestSupport.site.appendingPathComponent("world-gdp.html"), encoding: .utf8)
        let document = Self.read(html)
        #expect(document.title == "World GDP 2014–2023")
        #expect(document.body.contains("World GDP (trillion US$)\n| Year | World GDP (trillion US$) |\n| --- | --- |"))
        #expect(document.body.contains("| 2015 | 75.2 |"))
        #expect(document.body.contains("| 2020 | 85.3 |\n| 2021 | 97.5 |"))
        #expect(document.body.contains("# World GDP, 2014–2023"))
        #expect(document.body.contains("## Notes"))
    }

    @Test("scripts, styles and navigation are dropped")
    func noise() {
        let document = Self.read(
            """
            <html><head><title>T</title><style>p { color: red }</style></head><body>
            <nav><a href="/">Home</a></nav><script>var secret = "tracking";</script>
            <p>Visible text.</p><noscript>Enable JS</noscript><div hidden>hidden div</div>
            </body></html>
            """)
        #expect(document.body == "Visible text.")
        #expect(document.links.isEmpty)
    }

    @Test("links are numbered in order and listed with absolute URLs")
    func links() {
        let document = Self.read(
            ##"<p>See <a href="other.html">the other page</a> and <a href="https://b.example/x?y=1">B</a>.</p><p><a href="#top">top</a> <a href="javascript:alert(1)">js</a></p>"##
        )
        #expect(document.body.hasPrefix("See the other page【1】 and B【2】."))
        #expect(document.links.map(\.url) == ["https://example.org/dir/other.html", "https://b.example/x?y=1"])
        #expect(document.links.first?.text == "the other page")
        #expect(document.text.hasSuffix("Links:\n【1】 https://example.org/dir/other.html\n【2】 https://b.example/x?y=1"))
    }

    @Test("broken HTML is recovered: unclosed tags, stray end tags, no html or body")
    func brokenHTML() {
        let document = Self.read(
            "<title>Broken</title><p>First paragraph<p>Second <b>bold</i> text</table><ul><li>one<li>two")
        #expect(document.title == "Broken")
        #expect(document.body.contains("First paragraph"))
        #expect(document.body.contains("Second bold text"))
        #expect(document.body.contains("- one\n- two"))
    }

    @Test("lists, ordered lists and headings render as Markdown-like lines")
    func structure() {
        let document = Self.read("<h2>Steps</h2><ol><li>Mix</li><li>Bake</li></ol><ul><li>Salt</li></ul>")
        #expect(document.body == "## Steps\n\n1. Mix\n2. Bake\n\n- Salt")
    }

    @Test("empty and non-HTML input yields an empty document, not a crash")
    func emptyInput() {
        #expect(Self.read("").body.isEmpty)
        #expect(Self.read("   \n  ").body.isEmpty)
        #expect(Self.read("just words, no tags").body == "just words, no tags")
    }

    @Test("the HTTP charset is honoured, and an unknown one falls back instead of failing")
    func charsets() {
        let latin1: [UInt8] = Array("<p>Caf".utf8) + [0xE9] + Array(" cr".utf8) + [0xE8] + Array("me</p>".utf8)
        #expect(HTMLReader.readBlocking(html: latin1, baseURL: nil, encoding: "ISO-8859-1").body == "Café crème")
        let utf8 = Array("<p>Café</p>".utf8)
        #expect(HTMLReader.readBlocking(html: utf8, baseURL: nil, encoding: "x-no-such-charset").body == "Café")
    }
}
