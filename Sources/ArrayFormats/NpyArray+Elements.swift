import Foundation

/// Visits storage positions in C (row-major) order for an array stored in Fortran order, one
/// increment at a time, so transposing costs no division and no allocation per element.
struct FortranWalker {
    private let shape: [Int]
    private let strides: [Int]
    private var coordinates: [Int]
    /// Storage position of the current element.
    private(set) var position: Int

    /// Starts at C-order flat index `start`.
    init(shape: [Int], start: Int) {
        self.shape = shape
        var strides = [Int](repeating: 0, count: shape.count)
        var stride = 1
        for axis in shape.indices {
            strides[axis] = stride
            stride *= shape[axis]
        }
        self.strides = strides
        var coordinates = [Int](repeating: 0, count: shape.count)
        var remainder = start
        var position = 0
        for axis in shape.indices.reversed() where shape[axis] > 0 {
            coordinates[axis] = remainder % shape[axis]
            remainder /= shape[axis]
            position += coordinates[axis] * strides[axis]
        }
        self.coordinates = coordinates
        self.position = position
    }

    /// Moves to the next element in C order.
    mutating func advance() {
        var axis = shape.count - 1
        while axis >= 0 {
            coordinates[axis] += 1
            position += strides[axis]
            if coordinates[axis] < shape[axis] { return }
            position -= coordinates[axis] * strides[axis]
            coordinates[axis] = 0
            axis -= 1
        }
    }
}

extension NpyArray {
    /// Calls `body(k, position)` for each element `range.lowerBound + k` in C order, where `position`
    /// is that element's index in storage order.
    @inline(__always)
    func forEachStoragePosition(in range: Range<Int>, _ body: (Int, Int) throws -> Void) rethrows {
        if isStoredInCOrder {
            for k in 0..<range.count { try body(k, range.lowerBound + k) }
        } else {
            var walker = FortranWalker(shape: shape, start: range.lowerBound)
            for k in 0..<range.count {
                try body(k, walker.position)
                walker.advance()
            }
        }
    }

    /// Reads the element at storage `position` as a `Double` (exact for all but 64-bit integers
    /// beyond 2^53).
    @inline(__always)
    func loadDouble(_ base: UnsafeRawPointer, _ position: Int) -> Double {
        let offset = position &* dtype.itemSize
        switch dtype {
        case .bool: return base.load(fromByteOffset: offset, as: UInt8.self) == 0 ? 0 : 1
        case .uint8: return Double(base.load(fromByteOffset: offset, as: UInt8.self))
        case .int8: return Double(base.load(fromByteOffset: offset, as: Int8.self))
        case .int16: return Double(loadInteger(base, offset, Int16.self))
        case .uint16: return Double(loadInteger(base, offset, UInt16.self))
        case .int32: return Double(loadInteger(base, offset, Int32.self))
        case .uint32: return Double(loadInteger(base, offset, UInt32.self))
        case .int64: return Double(loadInteger(base, offset, Int64.self))
        case .uint64: return Double(loadInteger(base, offset, UInt64.self))
        case .float16: return Double(Float16(bitPattern: loadInteger(base, offset, UInt16.self)))
        case .float32: return Double(Float(bitPattern: loadInteger(base, offset, UInt32.self)))
        case .float64: return Double(bitPattern: loadInteger(base, offset, UInt64.self))
        }
    }

    /// Reads an integer of type `T` at `offset`, honouring the file's byte order.
    @inline(__always)
    func loadInteger<T: FixedWidthInteger>(_ base: UnsafeRawPointer, _ offset: Int, _: T.Type) -> T {
        let raw = base.loadUnaligned(fromByteOffset: offset, as: T.self)
        return isBigEndian ? T(bigEndian: raw) : T(littleEndian: raw)
    }

    /// Converts elements `elements` (flat indices in C order) to `Float`, multiplied by `scale`,
    /// into `out`, which must hold at least `elements.count` floats.
    ///
    /// This is the streaming accessor: call it chunk by chunk to feed a large mapped file through a
    /// fixed buffer. uint8 and little-endian float32 in C order take a tight loop; other dtypes
    /// and orders convert element by element. float64 values beyond `Float`'s range become ±inf.
    public func copyFloats(elements: Range<Int>, into out: UnsafeMutableBufferPointer<Float>, scale: Float = 1) {
        precondition(elements.lowerBound >= 0 && elements.upperBound <= count, "\(source): elements \(elements) outside 0..<\(count)")
        precondition(out.count >= elements.count, "\(source): output buffer holds \(out.count) floats, \(elements.count) needed")
        guard !elements.isEmpty, let destination = out.baseAddress else { return }
        let n = elements.count
        let start = elements.lowerBound
        withElementBytes { raw in
            guard let base = raw.baseAddress else { return }
            if isStoredInCOrder, dtype == .uint8 {
                let source = base.assumingMemoryBound(to: UInt8.self) + start
                for i in 0..<n { destination[i] = Float(source[i]) * scale }
            } else if isStoredInCOrder, dtype == .float32, !isBigEndian {
                let source = base + start * 4
                if scale == 1 {
                    UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: n * 4)
                } else {
                    for i in 0..<n { destination[i] = source.loadUnaligned(fromByteOffset: i &* 4, as: Float.self) * scale }
                }
            } else {
                forEachStoragePosition(in: elements) { k, position in
                    destination[k] = Float(loadDouble(base, position)) * scale
                }
            }
        }
    }

    /// All elements as `Float` in C order (bool → 0/1). Works for every supported dtype.
    public func floats(scale: Float = 1) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            copyFloats(elements: 0..<count, into: buffer, scale: scale)
            initialized = count
        }
    }

    /// All elements as `Int` in C order, for labels and indices.
    ///
    /// Integer and bool dtypes convert exactly; a float array is accepted only if every value is a
    /// whole number (NumPy often saves labels as float64), else the error names the first offending index.
    public func integers() throws -> [Int] {
        var result = [Int](repeating: 0, count: count)
        try withElementBytes { raw in
            guard let base = raw.baseAddress else { return }
            try result.withUnsafeMutableBufferPointer { out in
                try forEachStoragePosition(in: 0..<count) { k, position in
                    out[k] = try integer(base, position, cOrderIndex: k)
                }
            }
        }
        return result
    }

    private func integer(_ base: UnsafeRawPointer, _ position: Int, cOrderIndex k: Int) throws -> Int {
        let offset = position &* dtype.itemSize
        switch dtype {
        case .int64: return Int(loadInteger(base, offset, Int64.self))
        case .uint64:
            let value = loadInteger(base, offset, UInt64.self)
            guard let exact = Int(exactly: value) else {
                throw ArrayFormatError(source, "element \(k) is \(value), too large for an integer")
            }
            return exact
        case .float16, .float32, .float64:
            let value = loadDouble(base, position)
            guard let exact = Int(exactly: value) else {
                throw ArrayFormatError(source, "element \(k) is \(value), not an integer; the \(dtype) array must hold whole numbers")
            }
            return exact
        default: return Int(loadDouble(base, position))
        }
    }

    /// Index (in C order) of the first element in `elements` (default: all) that is NaN or infinite,
    /// or nil; always nil for non-float dtypes.
    public func firstNonFinite(in elements: Range<Int>? = nil) -> Int? {
        firstElement(outside: -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude, in: elements)
    }

    /// Index (in C order) of the first element in `elements` (default: all) outside `bounds` (NaN is
    /// outside every range), or nil; always nil for non-float dtypes. Scans without converting, so a
    /// check of a whole mapped file costs one read of it.
    public func firstElement(outside bounds: ClosedRange<Double>, in elements: Range<Int>? = nil) -> Int? {
        let range = elements ?? 0..<count
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "\(source): elements \(range) outside 0..<\(count)")
        guard dtype.isFloatingPoint, !range.isEmpty else { return nil }
        return withElementBytes { raw -> Int? in
            guard let base = raw.baseAddress else { return nil }
            if isStoredInCOrder, dtype == .float32, !isBigEndian {
                for i in range where !bounds.contains(Double(base.loadUnaligned(fromByteOffset: i &* 4, as: Float.self))) { return i }
                return nil
            }
            var found: Int?
            forEachStoragePosition(in: range) { k, position in
                if found == nil, !bounds.contains(loadDouble(base, position)) { found = range.lowerBound + k }
            }
            return found
        }
    }
}
