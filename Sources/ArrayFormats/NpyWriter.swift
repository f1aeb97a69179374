import Foundation

#if _endian(big)
    #error("NpyWriter and SafetensorsWriter copy elements in host byte order and label them little-endian")
#endif

/// An element type `NpyWriter` can store: its little-endian NumPy `descr`.
public protocol NpyWritable: Sendable {
    static var npyDescr: String { get }
}

extension Float: NpyWritable { public static var npyDescr: String { "<f4" } }
extension UInt8: NpyWritable { public static var npyDescr: String { "|u1" } }
extension Int64: NpyWritable { public static var npyDescr: String { "<i8" } }

/// Writes C-order `.npy` files that `np.load` reads: format 1.0, or 2.0 when the header does not
/// fit 1.0's 65,535 bytes; the header padded so the data starts on a 64-byte boundary.
public enum NpyWriter {
    /// The complete `.npy` file for `values` with `shape` (`values.count` must equal the product of `shape`).
    public static func encode<T: NpyWritable>(_ values: [T], shape: [Int]) throws -> Data {
        guard let expected = elementCount(of: shape), expected == values.count else {
            throw ArrayFormatError("npy writer", "shape \(describeShape(shape)) does not hold \(values.count.grouped) elements")
        }
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        let dict = "{'descr': '\(T.npyDescr)', 'fortran_order': False, 'shape': \(shapeText), }"
        var (preamble, padded) = (10, dict.utf8.count + 1)
        if (preamble + padded + 63) / 64 * 64 - preamble > Int(UInt16.max) { preamble = 12 }
        padded = (preamble + padded + 63) / 64 * 64 - preamble
        var data = Data(NpyHeader.magic)
        data.append(contentsOf: preamble == 10 ? [1, 0] : [2, 0])
        for i in 0..<(preamble - 8) { data.append(UInt8(truncatingIfNeeded: padded >> (8 * i))) }
        data.append(contentsOf: Array(dict.utf8))
        data.append(contentsOf: [UInt8](repeating: 0x20, count: padded - dict.utf8.count - 1))
        data.append(0x0A)
        values.withUnsafeBytes { data.append(contentsOf: $0) }  // The host is little-endian (see below).
        return data
    }

    /// Writes `values` with `shape` to `url` (replacing any file there).
    public static func write<T: NpyWritable>(_ values: [T], shape: [Int], to url: URL) throws {
        let data = try encode(values, shape: shape)
        do {
            try data.write(to: url)
        } catch {
            throw ArrayFormatError(url.path, "cannot be written: \(error.localizedDescription)")
        }
    }
}
