/// Why a document could not be indexed or the knowledge base could not be searched.
public enum KnowledgeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(file: String, detail: String)
    /// The file's type is not one the knowledge base reads.
    case unsupportedType(file: String, extension: String)
    /// A PDF was attached but `pdftotext` (poppler-utils) is not installed.
    case pdfToolMissing(file: String)
    /// `pdftotext` failed on the file.
    case pdfExtractionFailed(file: String, detail: String)
    /// Two attached files share a name, which is what citations use.
    case duplicateName(String)
    /// The embedder returned the wrong number of vectors, or vectors of different lengths.
    case embeddingMismatch(detail: String)
    /// The SQLite index failed.
    case index(String)

    public var description: String {
        switch self {
        case .unreadable(let file, let detail):
            "could not read the knowledge file \(file): \(detail)"
        case .unsupportedType(let file, let ext):
            "the knowledge file \(file) has type .\(ext), which cannot be indexed; attach text (.txt), Markdown (.md), HTML (.html) or PDF (.pdf) files"
        case .pdfToolMissing(let file):
            "cannot read the PDF \(file): pdftotext is not installed; install poppler-utils (apt-get install poppler-utils) or attach a text version"
        case .pdfExtractionFailed(let file, let detail):
            "pdftotext could not read \(file): \(detail); the PDF may be scanned images or encrypted, attach a text version"
        case .duplicateName(let name):
            "two knowledge files are named \(name); citations use file names, so rename one"
        case .embeddingMismatch(let detail):
            "the passage embedder misbehaved: \(detail)"
        case .index(let detail):
            "knowledge index error: \(detail)"
        }
    }
}
