import Foundation

/// Writes small GGUF files for error-path tests (headers only, no tensors).
struct GGUFWriter {
    private(set) var data = Data()

    init(version: UInt32 = 3, tensorCount: UInt64 = 0, metadata: [(String, String)]) {
        data.append(contentsOf: Array("GGUF".utf8))
        append(version)
        append(tensorCount)
        append(UInt64(metadata.count))
        for (key, value) in metadata {
            appendString(key)
            append(UInt32(8))  // string
            appendString(value)
        }
    }

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }

    mutating func appendString(_ text: String) {
        append(UInt64(text.utf8.count))
        data.append(contentsOf: Array(text.utf8))
    }
}
