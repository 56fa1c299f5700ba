import Foundation
import Synchronization

/// Reads an attached file as text: plain text and Markdown as they are, HTML through ``HTMLReader``, PDF through
/// poppler's `pdftotext` when it is installed. These are blocking calls; ``KnowledgeBase`` runs them on a
/// dispatch queue.
public enum DocumentTextExtractor {
    public static let textExtensions: Set<String> = ["txt", "text", "md", "markdown", "rst", "csv", "log"]
    public static let htmlExtensions: Set<String> = ["html", "htm", "xhtml"]

    /// The text of `file`, with Markdown-style `#` headings for HTML headings.
    public static func text(of file: URL, data: Data) throws(KnowledgeError) -> String {
        let ext = file.pathExtension.lowercased()
        let name = file.lastPathComponent
        if textExtensions.contains(ext) { return String(decoding: data, as: UTF8.self) }
        if htmlExtensions.contains(ext) {
            let document = HTMLReader.readBlocking(html: Array(data), baseURL: nil)
            let hasHeading = document.body.hasPrefix("#")
            return hasHeading || document.title.isEmpty ? document.body : "# \(document.title)\n\n\(document.body)"
        }
        if ext == "pdf" { return try pdfText(of: file) }
        throw .unsupportedType(file: name, extension: ext)
    }

    /// Where `pdftotext` is, if installed.
    public static var pdftotextPath: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") + ["/usr/bin", "/usr/local/bin"] {
            let candidate = "\(folder)/pdftotext"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static func pdfText(of file: URL) throws(KnowledgeError) -> String {
        let name = file.lastPathComponent
        guard let tool = pdftotextPath else { throw .pdfToolMissing(file: name) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["-enc", "UTF-8", "-q", file.path, "-"]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch { throw .pdfExtractionFailed(file: name, detail: "\(error)") }
        // Read both pipes fully before waiting, so a large output cannot fill a pipe and stall the child.
        let errorData = Mutex<Data>(Data())
        let errorReader = Thread {
            let data = errors.fileHandleForReading.readDataToEndOfFile()
            errorData.withLock { $0 = data }
        }
        errorReader.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorReader.isFinished { Thread.sleep(forTimeInterval: 0.001) }
        guard process.terminationStatus == 0 else {
            let detail = String(decoding: errorData.withLock { $0 }, as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            throw .pdfExtractionFailed(
                file: name, detail: detail.isEmpty ? "exit status \(process.terminationStatus)" : detail)
        }
        // pdftotext separates pages with form feeds.
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\u{0C}", with: "\n\n")
    }
}
