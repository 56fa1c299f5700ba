import EmergentCore
import Foundation

/// Turns a ``FetchedResource`` into readable text by media type: HTML through ``HTMLReader``, plain text and
/// Markdown as they are, JSON pretty-printed. Other types yield a document whose body says they cannot be read.
public enum PageReader {
    /// The readable document, and a note for the model when the body was cut or the type is not readable.
    public static func read(_ resource: FetchedResource) async -> (document: ReadableDocument, note: String?) {
        let type = resource.mediaType
        var note: String?
        if resource.truncated {
            note =
                "the page is larger than the browser's \(resource.body.count)-byte limit and was cut there; the end of the page is missing"
        }
        guard FetchedResource.isReadable(type) else {
            let size = resource.declaredLength.map { " (\($0) bytes)" } ?? ""
            let body =
                "This resource is \(type.isEmpty ? "of an unknown type" : type)\(size), which the browser cannot read as text. Look for an HTML or text version of it, or another source."
            return (ReadableDocument(title: resource.url.lastPathComponent, body: body), "not readable: \(type)")
        }
        let looksLikeHTML =
            type == "text/html" || type == "application/xhtml+xml"
            || (type.isEmpty && sniffHTML(resource.body))
        if looksLikeHTML {
            let document = await HTMLReader.read(html: resource.body, baseURL: resource.url, encoding: resource.charset)
            return (document, note)
        }
        let text = String(decoding: resource.body, as: UTF8.self)
        if type == "application/json" || type.hasSuffix("+json") {
            return (ReadableDocument(title: resource.url.lastPathComponent, body: prettyJSON(text) ?? text), note)
        }
        let isMarkdown = type == "text/markdown" || type == "text/x-markdown" || type == "application/markdown"
        let title = isMarkdown ? markdownTitle(text) ?? resource.url.lastPathComponent : resource.url.lastPathComponent
        return (ReadableDocument(title: title, body: text), note)
    }

    static func sniffHTML(_ body: [UInt8]) -> Bool {
        let head = String(decoding: body.prefix(512), as: UTF8.self).lowercased()
        return head.contains("<html") || head.contains("<!doctype html") || head.contains("<body")
    }

    /// The first `# ` heading of a Markdown text.
    public static func markdownTitle(_ text: String) -> String? {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true).prefix(40) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("# ") { return String(trimmed.dropFirst(2)).trimmingCharacters(in: .whitespaces) }
        }
        return nil
    }

    static func prettyJSON(_ text: String) -> String? {
        guard let value = try? JSONParser.parse(text) else { return nil }
        var output = ""
        pretty(value, indent: "", into: &output)
        return output
    }

    private static func pretty(_ value: JSONValue, indent: String, into output: inout String) {
        let inner = indent + "  "
        switch value {
        case .array(let items) where !items.isEmpty:
            output += "[\n"
            for (index, item) in items.enumerated() {
                output += inner
                pretty(item, indent: inner, into: &output)
                output += index == items.count - 1 ? "\n" : ",\n"
            }
            output += indent + "]"
        case .object(let object) where !object.isEmpty:
            output += "{\n"
            for (index, member) in object.enumerated() {
                output += inner + JSONValue.quoted(member.key) + ": "
                pretty(member.value, indent: inner, into: &output)
                output += index == object.count - 1 ? "\n" : ",\n"
            }
            output += indent + "}"
        default:
            value.write(to: &output)
        }
    }
}
