import Foundation

/// The parsed preamble of a `.npy` file: format version, dtype, order, shape and where the data starts.
///
/// Layout (NumPy's `format.py`): magic `\x93NUMPY`, major and minor version bytes, the header length
/// (2 bytes little-endian in 1.0, 4 bytes in 2.0 and 3.0), then the header, a Python dict literal
/// padded with spaces and ended by a newline. The data follows immediately.
struct NpyHeader {
    var version: (major: UInt8, minor: UInt8)
    var dtype: NpyDType
    var isBigEndian: Bool
    var isFortranOrder: Bool
    var shape: [Int]
    /// Byte offset of the first element from the start of the file.
    var dataOffset: Int
    /// Element count and data size in bytes (checked for overflow).
    var count: Int
    var byteCount: Int

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"

    /// Parses the header at the start of `bytes` (the whole file) and checks the data size against it.
    init(bytes: UnsafeRawBufferPointer, source: String) throws {
        guard bytes.count >= 10 else {
            throw ArrayFormatError(source, "not a .npy file: only \(bytes.count) bytes, too short for a header")
        }
        guard bytes.prefix(6).elementsEqual(Self.magic) else {
            throw ArrayFormatError(source, "not a .npy file: it does not start with the magic bytes \\x93NUMPY")
        }
        version = (bytes[6], bytes[7])
        let lengthSize: Int
        switch version {
        case (1, 0): lengthSize = 2
        case (2, 0), (3, 0): lengthSize = 4
        default:
            throw ArrayFormatError(source, "unsupported .npy format version \(version.major).\(version.minor); sumd reads 1.0, 2.0 and 3.0")
        }
        guard bytes.count >= 8 + lengthSize else {
            throw ArrayFormatError(source, "truncated: the file ends inside the header length field")
        }
        var headerLength = 0
        for i in 0..<lengthSize { headerLength |= Int(bytes[8 + i]) << (8 * i) }
        dataOffset = 8 + lengthSize + headerLength
        guard dataOffset <= bytes.count else {
            throw ArrayFormatError(
                source,
                "truncated: the header claims \(headerLength.grouped) bytes but the file has only \((bytes.count - 8 - lengthSize).grouped) after the preamble"
            )
        }
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[(8 + lengthSize)..<dataOffset])
        guard headerBytes.last == 0x0A else {
            throw ArrayFormatError(
                source,
                "malformed header: it does not end with a newline, so the data offset (byte \(dataOffset)) is not where the header says")
        }
        let text: String
        if version.major >= 3 {
            guard let utf8 = String(validating: headerBytes, as: UTF8.self) else {
                throw ArrayFormatError(source, "malformed header: it is not valid UTF-8")
            }
            text = utf8
        } else {
            text = String(headerBytes.map { Character(Unicode.Scalar($0)) })  // latin-1
        }
        let literal: PythonLiteral
        do {
            literal = try PythonLiteral.parse(text)
        } catch {
            throw ArrayFormatError(
                source, "malformed header: \(error.message) in \(text.trimmingCharacters(in: .whitespacesAndNewlines).debugDescription)")
        }
        guard case .dict(let entries) = literal else {
            throw ArrayFormatError(source, "malformed header: it is not a dict literal")
        }
        let keys = Set(entries.map(\.0))
        let expected: Set = ["descr", "fortran_order", "shape"]
        guard keys == expected else {
            let missing = expected.subtracting(keys).sorted()
            let extra = keys.subtracting(expected).sorted()
            let parts =
                (missing.isEmpty ? [] : ["missing key(s) \(missing.joined(separator: ", "))"])
                + (extra.isEmpty ? [] : ["unexpected key(s) \(extra.joined(separator: ", "))"])
            throw ArrayFormatError(
                source, "malformed header: \(parts.joined(separator: " and ")); expected exactly descr, fortran_order and shape")
        }
        let values = Dictionary(uniqueKeysWithValues: entries)

        switch values["descr"] {
        case .string(let descr)?:
            (dtype, isBigEndian) = try NpyDType.parse(descr: descr, source: source)
        case .list?:
            throw ArrayFormatError(source, "holds a structured dtype (record fields); sumd reads plain numeric arrays only")
        default:
            throw ArrayFormatError(source, "malformed header: 'descr' is not a string")
        }
        guard case .boolean(let fortran)? = values["fortran_order"] else {
            throw ArrayFormatError(source, "malformed header: 'fortran_order' is not True or False")
        }
        isFortranOrder = fortran
        guard case .tuple(let dimensions)? = values["shape"] else {
            throw ArrayFormatError(source, "malformed header: 'shape' is not a tuple")
        }
        shape = try dimensions.map { dimension in
            guard case .integer(let n) = dimension, n >= 0 else {
                throw ArrayFormatError(source, "malformed header: 'shape' must be a tuple of non-negative integers")
            }
            return n
        }
        guard let count = elementCount(of: shape) else {
            throw ArrayFormatError(source, "shape \(describeShape(shape)) has more elements than fit in memory")
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.itemSize)
        guard !overflow else {
            throw ArrayFormatError(source, "shape \(describeShape(shape)) of \(dtype) is larger than any file can be")
        }
        self.count = count
        self.byteCount = byteCount
        let available = bytes.count - dataOffset
        let what = "\(describeShape(shape)) \(dtype) (\(byteCount.grouped) bytes)"
        if available < byteCount {
            throw ArrayFormatError(source, "truncated: header says \(what) but only \(available.grouped) bytes follow")
        }
        if available > byteCount {
            throw ArrayFormatError(
                source,
                "size mismatch: header says \(what) but \(available.grouped) bytes follow (\((available - byteCount).grouped) extra)")
        }
    }
}
