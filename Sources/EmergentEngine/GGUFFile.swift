import CLlama
import Foundation

/// The header of a GGUF file: metadata and tensor table, read and checked without loading any weights.
///
/// llama.cpp's loader reports most problems only as log lines and a null pointer. Reading the header first
/// lets the engine say precisely whether a file is not GGUF at all, cut short, or internally inconsistent.
public struct GGUFFile: Sendable {
    /// One tensor's entry in the table.
    public struct Tensor: Sendable, Hashable {
        public var name: String
        public var dimensions: [Int]
        public var typeName: String
        /// Offset from the start of the data section.
        public var offset: Int
        public var byteCount: Int
    }

    public var path: String
    public var version: Int
    public var metadata: [String: GGUFValue]
    /// Metadata keys in file order.
    public var metadataKeys: [String]
    public var tensors: [Tensor]
    /// Where tensor data starts in the file.
    public var dataOffset: Int
    /// The size the file must have to hold every tensor.
    public var requiredFileSize: Int
    /// The file's actual size.
    public var fileSize: Int

    /// `general.architecture`, when present.
    public var architecture: String? { metadata["general.architecture"]?.stringValue }

    /// Reads and validates the header at `path`.
    public static func read(path: String) throws(EngineError) -> GGUFFile {
        guard FileManager.default.fileExists(atPath: path) else { throw .modelFileNotFound(path: path) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw .modelLoadFailed(path: path, detail: "the file cannot be read (\(error.localizedDescription))")
        }
        let result = data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Result<GGUFFile, EngineError> in
            var reader = GGUFReader(bytes: bytes, path: path)
            do throws(EngineError) {
                return .success(try reader.readFile())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

/// A bounds-checked cursor over the mapped bytes of a GGUF file.
private struct GGUFReader {
    let bytes: UnsafeRawBufferPointer
    let path: String
    var position = 0

    init(bytes: UnsafeRawBufferPointer, path: String) {
        self.bytes = bytes
        self.path = path
    }

    /// Running out of bytes inside the header means the file was cut short.
    private func truncated(needing count: Int) -> EngineError {
        .truncatedGGUF(path: path, expectedBytes: position + count, actualBytes: bytes.count)
    }

    mutating func take<T: FixedWidthInteger>(_: T.Type) throws(EngineError) -> T {
        let size = MemoryLayout<T>.size
        guard bytes.count - position >= size else { throw truncated(needing: size) }
        let value = bytes.loadUnaligned(fromByteOffset: position, as: T.self)
        position += size
        return T(littleEndian: value)
    }

    mutating func count(_ what: String, limit: Int) throws(EngineError) -> Int {
        let raw = try take(UInt64.self)
        guard raw <= UInt64(limit) else {
            throw .corruptGGUF(path: path, detail: "\(what) is \(raw), more than the file could possibly hold")
        }
        return Int(raw)
    }

    mutating func string() throws(EngineError) -> String {
        let length = try count("a string length", limit: 1 << 30)
        guard bytes.count - position >= length else { throw truncated(needing: length) }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + length)])
        position += length
        return String(decoding: slice, as: UTF8.self)
    }

    mutating func skip(_ count: Int) throws(EngineError) {
        guard bytes.count - position >= count else { throw truncated(needing: count) }
        position += count
    }

    static let typeNames = [
        "uint8", "int8", "uint16", "int16", "uint32", "int32", "float32", "bool", "string", "array", "uint64",
        "int64", "float64",
    ]

    mutating func value(type: UInt32, depth: Int = 0) throws(EngineError) -> GGUFValue {
        switch type {
        case 0: return .unsigned(UInt64(try take(UInt8.self)))
        case 1: return .signed(Int64(try take(Int8.self)))
        case 2: return .unsigned(UInt64(try take(UInt16.self)))
        case 3: return .signed(Int64(try take(Int16.self)))
        case 4: return .unsigned(UInt64(try take(UInt32.self)))
        case 5: return .signed(Int64(try take(Int32.self)))
        case 6: return .float(Double(Float(bitPattern: try take(UInt32.self))))
        case 7: return .bool(try take(UInt8.self) != 0)
        case 8: return .string(try string())
        case 9:
            guard depth < 4 else { throw .corruptGGUF(path: path, detail: "arrays are nested too deeply") }
            let elementType = try take(UInt32.self)
            guard Int(elementType) < Self.typeNames.count else {
                throw .corruptGGUF(path: path, detail: "unknown array element type \(elementType)")
            }
            let count = try count("an array length", limit: 1 << 32)
            if count <= GGUFValue.arrayPreviewLimit {
                var values: [GGUFValue] = []
                values.reserveCapacity(count)
                for _ in 0..<count { values.append(try value(type: elementType, depth: depth + 1)) }
                return .array(values)
            }
            try skipValues(type: elementType, count: count, depth: depth + 1)
            return .largeArray(elementType: Self.typeNames[Int(elementType)], count: count)
        case 10: return .unsigned(try take(UInt64.self))
        case 11: return .signed(try take(Int64.self))
        case 12: return .float(Double(bitPattern: try take(UInt64.self)))
        default: throw .corruptGGUF(path: path, detail: "unknown metadata value type \(type)")
        }
    }

    mutating func skipValues(type: UInt32, count: Int, depth: Int) throws(EngineError) {
        let fixedSizes: [UInt32: Int] = [0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8]
        if let size = fixedSizes[type] {
            let (total, overflow) = size.multipliedReportingOverflow(by: count)
            guard !overflow else { throw .corruptGGUF(path: path, detail: "an array is impossibly large") }
            try skip(total)
        } else {
            for _ in 0..<count { _ = try value(type: type, depth: depth) }
        }
    }

    mutating func readFile() throws(EngineError) -> GGUFFile {
        guard bytes.count >= 4 else {
            throw .notGGUF(
                path: path, detail: bytes.isEmpty ? "the file is empty" : "the file has only \(bytes.count) bytes")
        }
        let magic = Array(bytes[0..<4])
        guard magic == Array("GGUF".utf8) else {
            let shown = magic.map { (0x20...0x7e).contains($0) ? String(UnicodeScalar($0)) : "." }.joined()
            throw .notGGUF(path: path, detail: "it starts with '\(shown)' instead of 'GGUF'")
        }
        position = 4
        let version = try take(UInt32.self)
        guard (2...3).contains(version) else {
            throw .corruptGGUF(path: path, detail: "unsupported GGUF version \(version) (expected 2 or 3)")
        }
        // Generous sanity limits: past them a count is garbage, not a big model. Anything smaller that runs past
        // the end of the file is reported as truncation.
        let tensorCount = try count("the tensor count", limit: 1 << 24)
        let metadataCount = try count("the metadata count", limit: 1 << 24)

        var metadata: [String: GGUFValue] = [:]
        var keys: [String] = []
        for _ in 0..<metadataCount {
            let key = try string()
            let type = try take(UInt32.self)
            metadata[key] = try value(type: type)
            keys.append(key)
        }

        let typeCount = Int(GGML_TYPE_COUNT.rawValue)
        var tensors: [GGUFFile.Tensor] = []
        tensors.reserveCapacity(tensorCount)
        for _ in 0..<tensorCount {
            let name = try string()
            let dimensionCount = Int(try take(UInt32.self))
            guard (1...4).contains(dimensionCount) else {
                throw .corruptGGUF(
                    path: path, detail: "tensor '\(name)' has \(dimensionCount) dimensions (expected 1 to 4)")
            }
            var dimensions: [Int] = []
            for _ in 0..<dimensionCount {
                dimensions.append(try count("a dimension of tensor '\(name)'", limit: 1 << 40))
            }
            let rawType = try take(UInt32.self)
            let offset = try count("the offset of tensor '\(name)'", limit: 1 << 50)
            let type = ggml_type(rawType)
            guard Int(rawType) < typeCount, ggml_blck_size(type) > 0, ggml_type_size(type) > 0 else {
                throw .corruptGGUF(path: path, detail: "tensor '\(name)' has unknown data type \(rawType)")
            }
            let blockSize = Int(ggml_blck_size(type))
            guard dimensions[0] % blockSize == 0 else {
                throw .corruptGGUF(
                    path: path, detail: "tensor '\(name)' has a row of \(dimensions[0]), not a multiple of \(blockSize)"
                )
            }
            var byteCount = Int(ggml_row_size(type, Int64(dimensions[0])))
            for dimension in dimensions.dropFirst() {
                let (product, overflow) = byteCount.multipliedReportingOverflow(by: dimension)
                guard !overflow else { throw .corruptGGUF(path: path, detail: "tensor '\(name)' is impossibly large") }
                byteCount = product
            }
            let typeName = ggml_type_name(type).map { String(cString: $0) } ?? "type \(rawType)"
            tensors.append(
                .init(name: name, dimensions: dimensions, typeName: typeName, offset: offset, byteCount: byteCount))
        }

        let alignment = metadata["general.alignment"]?.intValue ?? 32
        guard alignment > 0, alignment & (alignment - 1) == 0 else {
            throw .corruptGGUF(path: path, detail: "general.alignment is \(alignment), not a power of two")
        }
        let dataOffset = (position + alignment - 1) / alignment * alignment
        // A file without tensors (a vocabulary-only file, say) needs no data section at all.
        let required = tensors.isEmpty ? position : dataOffset + (tensors.map { $0.offset + $0.byteCount }.max() ?? 0)
        if required > bytes.count {
            throw .truncatedGGUF(path: path, expectedBytes: required, actualBytes: bytes.count)
        }
        return GGUFFile(
            path: path, version: Int(version), metadata: metadata, metadataKeys: keys, tensors: tensors,
            dataOffset: dataOffset, requiredFileSize: required, fileSize: bytes.count)
    }
}
