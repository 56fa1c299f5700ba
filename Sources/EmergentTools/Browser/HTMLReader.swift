import CLibXML2
import Foundation

/// Turns HTML into a ``ReadableDocument`` with libxml2's forgiving HTML parser, walking the DOM.
///
/// Scripts, styles, navigation, forms and other chrome are dropped; headings, paragraphs, lists and tables are
/// kept (a table row becomes `| a | b |`). Links become `text【n】` with the URL in the document's link list,
/// resolved against `baseURL`. Broken markup is recovered the way browsers do, and the parser never touches the
/// network. Parsing is synchronous CPU work: callers with big inputs run it off the cooperative pool
/// (``read(html:baseURL:encoding:)`` does).
public enum HTMLReader {
    /// Parses `data` on a dedicated dispatch queue so large pages do not block Swift's cooperative threads.
    public static func read(html data: [UInt8], baseURL: URL?, encoding: String? = nil) async -> ReadableDocument {
        await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: readBlocking(html: data, baseURL: baseURL, encoding: encoding))
            }
        }
    }

    /// Parses `data` on the calling thread.
    public static func readBlocking(html data: [UInt8], baseURL: URL?, encoding: String? = nil) -> ReadableDocument {
        _ = initialize
        let options = Int32(
            HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOBLANKS.rawValue)
        guard !data.isEmpty else { return ReadableDocument(title: "", body: "") }
        func parse(_ encoding: String?) -> htmlDocPtr? {
            data.withUnsafeBufferPointer { buffer in
                buffer.baseAddress?.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                    htmlReadMemory(pointer, Int32(clamping: buffer.count), baseURL?.absoluteString, encoding, options)
                }
            }
        }
        // A charset libxml2 does not know makes it give up; the page's own <meta> or UTF-8 is tried then.
        let document = parse(encoding) ?? (encoding == nil ? nil : parse(nil))
        guard let document else { return ReadableDocument(title: "", body: "") }
        defer { xmlFreeDoc(document) }
        var renderer = Renderer(baseURL: baseURL)
        if let root = xmlDocGetRootElement(document) { renderer.walk(root) }
        return renderer.finish()
    }

    private static let queue = DispatchQueue(label: "emergent.html-reader", attributes: .concurrent)
    private static let initialize: Void = { xmlInitParser() }()
}

/// Walks the DOM, writing blocks of text.
private struct Renderer {
    let baseURL: URL?
    var title = ""
    var lines: [String] = []
    var inline = ""
    /// A heading's `#`s or a list item's marker, written before the next line of text.
    var prefix = ""
    var links: [ReadableDocument.Link] = []
    var listStack: [(ordered: Bool, count: Int)] = []
    var preformatted = 0

    init(baseURL: URL?) { self.baseURL = baseURL }

    static let dropped: Set<String> = [
        "script", "style", "noscript", "nav", "template", "svg", "iframe", "form", "button", "select", "textarea",
        "head", "object", "embed", "canvas", "input", "menu", "dialog",
    ]
    static let blocks: Set<String> = [
        "p", "div", "section", "article", "main", "header", "footer", "aside", "blockquote", "figure", "figcaption",
        "address", "dl", "dt", "dd", "details", "summary", "hr", "body", "html", "center", "caption",
    ]

    mutating func finish() -> ReadableDocument {
        flush()
        var collapsed: [String] = []
        for line in lines where !(line.isEmpty && (collapsed.last?.isEmpty ?? true)) { collapsed.append(line) }
        while collapsed.last?.isEmpty == true { collapsed.removeLast() }
        return ReadableDocument(title: title, body: collapsed.joined(separator: "\n"), links: links)
    }

    mutating func flush() {
        let text = inline.trimmingCharacters(in: .whitespaces)
        inline = ""
        guard !text.isEmpty else { return }
        lines.append(prefix + text)
        prefix = ""
    }

    mutating func paragraphBreak() {
        flush()
        if let last = lines.last, !last.isEmpty { lines.append("") }
    }

    mutating func appendText(_ raw: String) {
        if preformatted > 0 {
            let parts = raw.split(separator: "\n", omittingEmptySubsequences: false)
            for (index, part) in parts.enumerated() {
                if index > 0 {
                    lines.append(inline)
                    inline = ""
                }
                inline += part
            }
            return
        }
        var text = ""
        var lastWasSpace = inline.last.map { $0 == " " } ?? true
        for character in raw {
            if character.isWhitespace {
                if !lastWasSpace { text.append(" ") }
                lastWasSpace = true
            } else {
                text.append(character)
                lastWasSpace = false
            }
        }
        inline += text
    }

    mutating func walk(_ node: xmlNodePtr) {
        var child: xmlNodePtr? = node
        while let current = child {
            visit(current)
            child = current.pointee.next
        }
    }

    mutating func walkChildren(_ node: xmlNodePtr) {
        if let first = node.pointee.children { walk(first) }
    }

    mutating func visit(_ node: xmlNodePtr) {
        switch node.pointee.type {
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
            if let content = node.pointee.content { appendText(String(cString: content)) }
        case XML_ELEMENT_NODE:
            element(node)
        default:
            break
        }
    }

    mutating func element(_ node: xmlNodePtr) {
        let name = Self.name(of: node)
        if name == "title" {
            if title.isEmpty { title = Self.collapse(Self.textContent(node)) }
            return
        }
        if name == "head" {
            // Only the title matters in <head>.
            if let first = node.pointee.children { findTitle(first) }
            return
        }
        if Self.dropped.contains(name) || Self.isHidden(node) { return }
        switch name {
        case "h1", "h2", "h3", "h4", "h5", "h6":
            paragraphBreak()
            let level = Int(String(name.dropFirst())) ?? 1
            prefix = String(repeating: "#", count: level) + " "
            walkChildren(node)
            flush()
            prefix = ""
            paragraphBreak()
        case "br":
            flush()
        case "ul", "ol":
            paragraphBreak()
            listStack.append((ordered: name == "ol", count: 0))
            walkChildren(node)
            listStack.removeLast()
            paragraphBreak()
        case "li":
            flush()
            let indent = String(repeating: "  ", count: max(0, listStack.count - 1))
            if var top = listStack.popLast() {
                top.count += 1
                listStack.append(top)
                prefix = indent + (top.ordered ? "\(top.count). " : "- ")
            } else {
                prefix = "- "
            }
            walkChildren(node)
            flush()
            prefix = ""
        case "table":
            paragraphBreak()
            table(node)
            paragraphBreak()
        case "pre":
            paragraphBreak()
            preformatted += 1
            walkChildren(node)
            preformatted -= 1
            paragraphBreak()
        case "a":
            link(node)
        case "img":
            if let alt = Self.attribute("alt", of: node), !alt.isEmpty { appendText("[image: \(alt)]") }
        default:
            if Self.blocks.contains(name) {
                paragraphBreak()
                walkChildren(node)
                paragraphBreak()
            } else {
                walkChildren(node)
            }
        }
    }

    mutating func findTitle(_ first: xmlNodePtr) {
        var child: xmlNodePtr? = first
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE && Self.name(of: current) == "title" && title.isEmpty {
                title = Self.collapse(Self.textContent(current))
            }
            child = current.pointee.next
        }
    }

    mutating func link(_ node: xmlNodePtr) {
        let before = inline
        inline = ""
        walkChildren(node)
        let text = inline
        inline = before + text
        guard let href = Self.attribute("href", of: node)?.trimmingCharacters(in: .whitespacesAndNewlines),
            !href.isEmpty, !href.hasPrefix("#"),
            let resolved = URL(string: href, relativeTo: baseURL)?.absoluteURL,
            let scheme = resolved.scheme?.lowercased(), ["http", "https", "file"].contains(scheme)
        else { return }
        let number = links.count + 1
        links.append(ReadableDocument.Link(number: number, text: Self.collapse(text), url: resolved.absoluteString))
        inline += "【\(number)】"
    }

    /// Renders a table as `| a | b |` rows, with a separator after a header row of `<th>` cells.
    mutating func table(_ node: xmlNodePtr) {
        var rows: [(cells: [String], header: Bool)] = []
        var captions: [String] = []
        collectRows(node, into: &rows, captions: &captions)
        for caption in captions where !caption.isEmpty { lines.append(caption) }
        for (index, row) in rows.enumerated() where !row.cells.isEmpty {
            lines.append("| " + row.cells.joined(separator: " | ") + " |")
            if row.header && index == 0 {
                lines.append("|" + String(repeating: " --- |", count: row.cells.count))
            }
        }
    }

    mutating func collectRows(
        _ node: xmlNodePtr, into rows: inout [(cells: [String], header: Bool)], captions: inout [String]
    ) {
        var child = node.pointee.children
        while let current = child {
            defer { child = current.pointee.next }
            guard current.pointee.type == XML_ELEMENT_NODE else { continue }
            switch Self.name(of: current) {
            case "caption":
                captions.append(cellText(current))
            case "thead", "tbody", "tfoot":
                collectRows(current, into: &rows, captions: &captions)
            case "tr":
                var cells: [String] = []
                var allHeaders = true
                var cell = current.pointee.children
                while let item = cell {
                    defer { cell = item.pointee.next }
                    guard item.pointee.type == XML_ELEMENT_NODE else { continue }
                    let cellName = Self.name(of: item)
                    guard cellName == "td" || cellName == "th" else { continue }
                    if cellName == "td" { allHeaders = false }
                    cells.append(cellText(item).replacingOccurrences(of: "|", with: "\\|"))
                }
                rows.append((cells, allHeaders && !cells.isEmpty))
            default:
                break
            }
        }
    }

    /// A cell's content on one line (nested blocks joined by spaces), sharing this page's link numbering.
    mutating func cellText(_ node: xmlNodePtr) -> String {
        var nested = Renderer(baseURL: baseURL)
        nested.links = links
        nested.walkChildren(node)
        nested.flush()
        links = nested.links
        return Self.collapse(nested.lines.filter { !$0.isEmpty }.joined(separator: " "))
    }

    static func name(of node: xmlNodePtr) -> String {
        guard let name = node.pointee.name else { return "" }
        return String(cString: name).lowercased()
    }

    static func attribute(_ wanted: String, of node: xmlNodePtr) -> String? {
        var attribute = node.pointee.properties
        while let current = attribute {
            if let name = current.pointee.name, String(cString: name).lowercased() == wanted {
                var text = ""
                var value = current.pointee.children
                while let part = value {
                    if let content = part.pointee.content { text += String(cString: content) }
                    value = part.pointee.next
                }
                return text
            }
            attribute = current.pointee.next
        }
        return nil
    }

    static func isHidden(_ node: xmlNodePtr) -> Bool {
        if attribute("hidden", of: node) != nil { return true }
        if attribute("aria-hidden", of: node)?.lowercased() == "true" { return true }
        let style = attribute("style", of: node)?.lowercased().replacingOccurrences(of: " ", with: "") ?? ""
        return style.contains("display:none")
    }

    static func textContent(_ node: xmlNodePtr) -> String {
        var text = ""
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_TEXT_NODE, let content = current.pointee.content {
                text += String(cString: content)
            } else if current.pointee.type == XML_ELEMENT_NODE {
                text += textContent(current)
            }
            child = current.pointee.next
        }
        return text
    }

    static func collapse(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
