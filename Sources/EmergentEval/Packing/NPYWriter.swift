import Foundation

/// Writes arrays in NumPy's `.npy` format, version 1.0, little-endian and C order.
///
/// The file is the magic `\x93NUMPY`, the version bytes 1 0, a little-endian UInt16 header length, then a Python
/// dict literal (`{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }`) padded with spaces and a newline
/// so the data starts on a 64-byte boundary, then the raw values.
public enum NPYWriter {
    /// The bytes of an `.npy` file holding `values` with `shape` (32-bit signed integers, `<i4`).
    public static func data(_ values: [Int32], shape: [Int]) -> Data {
        var data = header(descr: "<i4", shape: shape)
        // Every platform Swift runs Emergent on is little-endian, so the memory is already the file's layout.
        values.map(\.littleEndian).withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    /// The bytes of an `.npy` file holding `values` with `shape` (32-bit floats, `<f4`).
    public static func data(_ values: [Float], shape: [Int]) -> Data {
        var data = header(descr: "<f4", shape: shape)
        values.map(\.bitPattern.littleEndian).withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    static func header(descr: String, shape: [Int]) -> Data {
        let dimensions =
            shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var dict = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(dimensions), }"
        let prefixLength = 10  // magic (6) + version (2) + header length (2)
        let unpadded = prefixLength + dict.utf8.count + 1
        dict += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(dict.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(dict.utf8))
        return data
    }
}
