import Foundation

extension EmergenceResults {
    /// Writes `results.json` and `results.csv` into `directory` (created if needed) and returns their URLs.
    @discardableResult
    public func writeFiles(to directory: URL) throws -> (json: URL, csv: URL) {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let json = directory.appendingPathComponent("results.json")
        let csvFile = directory.appendingPathComponent("results.csv")
        try write(to: json)
        try Data(csv.utf8).write(to: csvFile, options: .atomic)
        return (json, csvFile)
    }
}
