import Foundation

/// A ladder of precisions made from one GGUF model with llama.cpp's `llama-quantize --allow-requantize`: the
/// same N parameters at lower precision, each with a higher loss than the source (not always in the order of the
/// type names: on Gemma 3 270M, Q4_0 loses more than Q3_K_L, and Q3_K_S more than Q2_K). The demo of `emergent emergence`
/// measures such a ladder. Quantization loss is not pre-training loss; see docs/emergence.md.
public struct QuantizationLadder: Sendable {
    /// The rungs below the source model, best first; all are accepted by llama-quantize without an imatrix.
    public static let defaultTypes = ["Q4_0", "Q3_K_L", "Q3_K_M", "Q3_K_S", "Q2_K"]

    /// The model every rung is made from; it is the first rung itself.
    public var source: URL
    /// An id for the source rung (such as `q4_k_m`).
    public var sourceID: String
    public var types: [String]
    /// Where rungs are kept between runs (`$EMERGENT_HOME/emergence/ladder`).
    public var directory: URL
    /// The `llama-quantize` binary.
    public var quantizer: URL
    /// Parameter count recorded for every rung.
    public var parameters: Double

    public init(
        source: URL, sourceID: String, types: [String] = Self.defaultTypes, directory: URL, quantizer: URL,
        parameters: Double
    ) {
        self.source = source
        self.sourceID = sourceID
        self.types = types
        self.directory = directory
        self.quantizer = quantizer
        self.parameters = parameters
    }

    /// Makes the rungs that are missing and returns all of them as checkpoints, the source first.
    /// - Parameter progress: told each type before it is quantized.
    public func build(progress: @Sendable (String) -> Void = { _ in }) async throws -> [EmergenceCheckpoint] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let stem = source.deletingPathExtension().lastPathComponent
        var rungs = [
            EmergenceCheckpoint(
                id: sourceID, path: source.path, parameters: parameters, label: "\(sourceID.uppercased()) (original)")
        ]
        for type in types {
            let output = directory.appendingPathComponent("\(stem)-requant-\(type.lowercased()).gguf")
            if !FileManager.default.fileExists(atPath: output.path) {
                progress(type)
                try await quantize(to: type, output: output)
            }
            rungs.append(
                EmergenceCheckpoint(
                    id: type.lowercased(), path: output.path, parameters: parameters, label: "\(type) (requantized)"))
        }
        return rungs
    }

    private func quantize(to type: String, output: URL) async throws {
        guard FileManager.default.isExecutableFile(atPath: quantizer.path) else {
            throw EmergenceError(
                "llama-quantize is missing at '\(quantizer.path)'; build llama.cpp's peers with scripts/setup.sh --peers"
            )
        }
        let partial = output.appendingPathExtension("partial")
        let process = Process()
        process.executableURL = quantizer
        process.arguments = ["--allow-requantize", source.path, partial.path, type]
        // llama-quantize prints a line per tensor: send it to a file, not a pipe that could fill up.
        let logFile = output.appendingPathExtension("log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: logFile)
        defer { try? logHandle.close() }
        process.standardOutput = logHandle
        process.standardError = logHandle
        // Wait on the process's own termination callback, never blocking a cooperative thread.
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        guard status == 0 else {
            try? FileManager.default.removeItem(at: partial)
            throw EmergenceError("llama-quantize could not make \(type) (exit \(status)): \(log.suffix(400))")
        }
        try FileManager.default.moveItem(at: partial, to: output)
        try? FileManager.default.removeItem(at: logFile)
    }
}
