import Foundation

/// Saves bytes a tool produced into the conversation's work folder, under a name that does not overwrite
/// anything already there.
enum ArtifactFiles {
    /// Writes `bytes` as `stem.ext` (or `stem-2.ext`, ...) in `directory`, creating the folder if needed.
    static func save(_ bytes: Data, stem: String, fileExtension: String, mimeType: String, in directory: URL)
        throws -> Artifact
    {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let safeStem = sanitized(stem)
        var candidate = directory.appendingPathComponent("\(safeStem).\(fileExtension)")
        var counter = 2
        while FileManager.default.fileExists(atPath: candidate.path) {
            candidate = directory.appendingPathComponent("\(safeStem)-\(counter).\(fileExtension)")
            counter += 1
        }
        try bytes.write(to: candidate, options: .withoutOverwriting)
        return Artifact(
            name: candidate.lastPathComponent, path: candidate.path, mimeType: mimeType, byteCount: bytes.count)
    }

    /// The image format named by the bytes' signature, as a file extension and MIME type; `nil` if unknown.
    static func imageFormat(of bytes: Data) -> (fileExtension: String, mimeType: String)? {
        let head = [UInt8](bytes.prefix(12))
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return ("png", "image/png") }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return ("jpg", "image/jpeg") }
        if head.starts(with: Array("GIF8".utf8)) { return ("gif", "image/gif") }
        if head.count >= 12, head.starts(with: Array("RIFF".utf8)), Array(head[8..<12]) == Array("WEBP".utf8) {
            return ("webp", "image/webp")
        }
        return nil
    }

    /// The file extension usual for a MIME type.
    static func fileExtension(forMIMEType mimeType: String) -> String {
        switch mimeType.lowercased() {
        case "image/png": "png"
        case "image/jpeg", "image/jpg": "jpg"
        case "image/gif": "gif"
        case "image/webp": "webp"
        case "image/svg+xml": "svg"
        case "audio/wav", "audio/x-wav": "wav"
        case "audio/mpeg": "mp3"
        case "application/pdf": "pdf"
        case "application/json": "json"
        case "text/plain": "txt"
        case "text/csv": "csv"
        default: "bin"
        }
    }

    /// `text` reduced to letters, digits, `-` and `_` (at most 48), so it is safe as a file name.
    static func sanitized(_ text: String) -> String {
        let kept = text.unicodeScalars.map { scalar -> Character in
            CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII || scalar == "-" || scalar == "_"
                ? Character(scalar) : "-"
        }
        let name = String(String(kept).prefix(48))
        return name.isEmpty ? "file" : name
    }
}
