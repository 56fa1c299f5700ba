import EmergentServer
import Foundation

/// A `multipart/form-data` body (RFC 7578) split into its parts.
struct MultipartForm: Sendable {
    /// One field or file.
    struct Part: Sendable {
        var name: String
        var filename: String?
        var contentType: String?
        var data: [UInt8]
    }

    var parts: [Part]

    func part(named name: String) -> Part? { parts.first { $0.name == name } }

    /// The boundary in a `Content-Type: multipart/form-data; boundary=…` header.
    static func boundary(in contentType: String?) throws -> String {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else {
            throw PlatformError.invalid(
                nil, "Upload files as multipart/form-data with a 'file' part (curl -F file=@data.csv).",
                code: "invalid_content_type")
        }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                if !value.isEmpty, value.count <= 200 { return value }
            }
        }
        throw PlatformError.invalid(nil, "The multipart Content-Type has no boundary.", code: "invalid_multipart")
    }

    /// Splits `body` at the boundary; every part needs a `Content-Disposition: form-data; name=…` header.
    static func parse(_ body: [UInt8], boundary: String) throws -> MultipartForm {
        let delimiter = Array("--\(boundary)".utf8)
        let malformed = PlatformError.invalid(
            nil, "The multipart body is malformed (boundary '\(boundary)' not found as expected).",
            code: "invalid_multipart")
        guard var position = find(delimiter, in: body, from: 0) else { throw malformed }
        var parts: [Part] = []
        while true {
            position += delimiter.count
            // `--` after a delimiter ends the body.
            if body.count >= position + 2, body[position] == 45, body[position + 1] == 45 { break }
            guard let headerStart = skipLineBreak(body, position),
                let headerEnd = find(Array("\r\n\r\n".utf8), in: body, from: headerStart),
                let next = find(Array("\r\n".utf8) + delimiter, in: body, from: headerEnd + 4)
            else { throw malformed }
            let headerText = String(decoding: body[headerStart..<headerEnd], as: UTF8.self)
            parts.append(try part(headers: headerText, data: Array(body[(headerEnd + 4)..<next])))
            position = next + 2
        }
        return MultipartForm(parts: parts)
    }

    private static func part(headers: String, data: [UInt8]) throws -> Part {
        var name: String?
        var filename: String?
        var contentType: String?
        for line in headers.components(separatedBy: "\r\n") {
            let pair = line.split(separator: ":", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let value = pair[1].trimmingCharacters(in: .whitespaces)
            switch pair[0].lowercased() {
            case "content-disposition":
                name = parameter("name", in: value)
                filename = parameter("filename", in: value)
            case "content-type":
                contentType = value
            default:
                break
            }
        }
        guard let name else {
            throw PlatformError.invalid(nil, "A multipart part has no Content-Disposition name.", code: "invalid_multipart")
        }
        return Part(name: name, filename: filename, contentType: contentType, data: data)
    }

    /// `key="value"` (or unquoted) in a header value.
    private static func parameter(_ key: String, in value: String) -> String? {
        for item in value.split(separator: ";").dropFirst() {
            let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == key else { continue }
            var text = pair[1]
            if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = String(text.dropFirst().dropLast()) }
            return text.replacingOccurrences(of: "\\\"", with: "\"")
        }
        return nil
    }

    private static func skipLineBreak(_ body: [UInt8], _ position: Int) -> Int? {
        guard body.count >= position + 2, body[position] == 13, body[position + 1] == 10 else { return nil }
        return position + 2
    }

    /// The first index of `needle` in `haystack` at or after `start`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first {
                var matched = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }
}
