import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A NumPy `.npy` array, memory-mapped: opening a multi-gigabyte file costs no memory until the
/// elements are read, and reading converts only the chunk asked for.
///
/// Reads format versions 1.0, 2.0 and 3.0; dtypes bool, int8–64, uint8–64 and float16/32/64 in
/// either byte order; C and Fortran order. Everything else (pickled object arrays, structured or
/// string dtypes, truncated or oversized data, malformed headers) is refused with an
/// `ArrayFormatError` naming the file and the problem.
public struct NpyArray: Sendable {
    /// The file name (or `archive.npz[member]`) used in error messages.
    public let source: String
    /// Dimensions, outermost first; `[]` for a 0-d array holding one element.
    public let shape: [Int]
    public let dtype: NpyDType
    /// True when multi-byte elements are stored big-endian (`>` in the header).
    public let isBigEndian: Bool
    /// True when the data is in column-major order; the accessors still return C (row-major) order.
    public let isFortranOrder: Bool
    /// The file's format version, e.g. `(1, 0)`.
    public let version: (major: Int, minor: Int)
    /// Number of elements (the product of `shape`).
    public let count: Int

    /// The whole file (mapped) and where the elements start in it.
    let storage: Data
    let dataOffset: Int
    /// True when `storage` maps a file (not an inflated `.npz` member held in memory), so that its
    /// pages can be handed back to the kernel after use (`releasePages`).
    let isFileMapped: Bool

    /// Maps the file at `url` and validates its header against its size.
    public init(contentsOf url: URL) throws {
        let data = try mapFile(url)
        try self.init(data: data, source: url.lastPathComponent, isFileMapped: true)
    }

    /// Parses a `.npy` image already in memory (an `.npz` member); `source` names it in errors.
    public init(data: Data, source: String) throws {
        try self.init(data: data, source: source, isFileMapped: false)
    }

    private init(data: Data, source: String, isFileMapped: Bool) throws {
        let header = try data.withUnsafeBytes { try NpyHeader(bytes: $0, source: source) }
        self.source = source
        self.shape = header.shape
        self.dtype = header.dtype
        self.isBigEndian = header.isBigEndian
        self.isFortranOrder = header.isFortranOrder
        self.version = (Int(header.version.major), Int(header.version.minor))
        self.count = header.count
        self.storage = data
        self.dataOffset = header.dataOffset
        self.isFileMapped = isFileMapped
    }

    /// Size of the element data in bytes.
    public var byteCount: Int { count * dtype.itemSize }

    /// `"1000×28×140 uint8"`, for logs and messages.
    public var summary: String { "\(describeShape(shape)) \(dtype)" }

    /// Drops the mapped pages that hold only elements of `elements` (storage order) from memory;
    /// they are read from the file again if touched. Streaming through a multi-gigabyte file this
    /// way keeps resident memory at a few chunks instead of the whole file. No-op for in-memory data.
    public func releasePages(elements: Range<Int>) {
        guard isFileMapped, !elements.isEmpty else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        storage.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            let start = Int(bitPattern: base) + dataOffset + elements.lowerBound * dtype.itemSize
            let end = Int(bitPattern: base) + dataOffset + elements.upperBound * dtype.itemSize
            let alignedStart = (start + page - 1) / page * page
            let alignedEnd = end / page * page
            guard alignedEnd > alignedStart, let pointer = UnsafeMutableRawPointer(bitPattern: alignedStart) else { return }
            _ = madvise(pointer, alignedEnd - alignedStart, MADV_DONTNEED)
        }
    }

    /// Calls `body` with the raw element bytes (in storage order and byte order).
    func withElementBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[dataOffset..<(dataOffset + byteCount)]))
        }
    }

    /// Whether element `i` of C order sits at position `i` of the storage (C order, or at most one
    /// dimension longer than 1).
    var isStoredInCOrder: Bool { !isFortranOrder || shape.filter { $0 > 1 }.count <= 1 }
}
