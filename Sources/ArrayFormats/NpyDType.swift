/// The element types sumd reads from `.npy` files.
public enum NpyDType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case bool, int8, uint8, int16, uint16, int32, uint32, int64, uint64, float16, float32, float64

    /// Bytes per element.
    public var itemSize: Int {
        switch self {
        case .bool, .int8, .uint8: return 1
        case .int16, .uint16, .float16: return 2
        case .int32, .uint32, .float32: return 4
        case .int64, .uint64, .float64: return 8
        }
    }

    /// True for `float16`, `float32` and `float64`.
    public var isFloatingPoint: Bool { self == .float16 || self == .float32 || self == .float64 }

    public var description: String { rawValue }

    /// The NumPy type character and size, e.g. `f4`, as in a `descr` string.
    var code: String {
        switch self {
        case .bool: return "b1"
        case .int8: return "i1"
        case .uint8: return "u1"
        case .int16: return "i2"
        case .uint16: return "u2"
        case .int32: return "i4"
        case .uint32: return "u4"
        case .int64: return "i8"
        case .uint64: return "u8"
        case .float16: return "f2"
        case .float32: return "f4"
        case .float64: return "f8"
        }
    }

    /// Parses a NumPy `descr` string such as `<f4`, `|u1` or `>i8`.
    ///
    /// Returns the dtype and whether the data is big-endian; throws a sentence for pickled object
    /// arrays, strings, dates and anything else sumd cannot turn into numbers.
    static func parse(descr: String, source: String) throws -> (NpyDType, bigEndian: Bool) {
        guard let order = descr.first, "<>|=".contains(order) else {
            throw ArrayFormatError(source, "unsupported dtype '\(descr)': it has no byte-order character (<, >, | or =)")
        }
        let code = String(descr.dropFirst())
        if code == "O" || code.hasPrefix("O") {
            throw ArrayFormatError(
                source,
                "holds an object array (dtype '\(descr)'), which NumPy stores as a pickle; sumd never unpickles, save a numeric array instead"
            )
        }
        guard let dtype = NpyDType.allCases.first(where: { $0.code == code }) else {
            throw ArrayFormatError(source, "unsupported dtype '\(descr)': sumd reads bool, int8–64, uint8–64 and float16/32/64")
        }
        // '|' means "not applicable" (single bytes) and '=' native order; both are little-endian here.
        return (dtype, order == ">" && dtype.itemSize > 1)
    }
}
