import KernelInterface

/// Matrix product for the fully connected backward pass and the im2col convolutions: `C[m, n] = A · B`
/// (or `C += A · B`) with B `[k, n]` and C `[m, n]` row-major and A `[m, k]` read through strides,
/// so one kernel serves both dW += dYᵀ·X (A is dY transposed) and dX = dY·W. Columns are
/// vectorised one `ProductRow` at a time (contiguous in B and C; 64 floats on AVX-512, 16 on
/// AVX2): each depth step broadcasts one element of 6 rows of A against it, all sums in
/// registers, no horizontal sums. Columns are taken in blocks of 512, so a block of B (k × 2 KB)
/// stays in L2 while every row tile passes over it and each row tile walks C in 2 KB runs.

extension Kernels {
    enum TiledProduct {
        /// Rows of A (and C) per register tile.
        static let rowsPerTile = 6
        /// Columns of B (and C) per register tile.
        static var tileWidth: Int { ProductRow.scalarCount }
        /// Columns per L2 block.
        static let columnBlock = 512
    }

    /// `C = A · B`, or `C += A · B` when `accumulate`. A's element (r, p) is `a[r * aRowStride + p * aDepthStride]`;
    /// B and C have `n` columns, with no padding between rows.
    static func tiledProduct(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, aRowStride: Int, aDepthStride: Int,
        b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        let vectorEnd = n / TiledProduct.tileWidth * TiledProduct.tileWidth
        for start in stride(from: 0, to: vectorEnd, by: TiledProduct.columnBlock) {
            let end = min(start + TiledProduct.columnBlock, vectorEnd)
            for row in stride(from: 0, to: m, by: TiledProduct.rowsPerTile) {
                for column in stride(from: start, to: end, by: TiledProduct.tileWidth) {
                    productTile(
                        m: m, n: n, k: k, row: row, column: column, a: a, aRowStride: aRowStride,
                        aDepthStride: aDepthStride, b: b, c: c, accumulate: accumulate)
                }
            }
        }
        productTailColumns(
            m: m, n: n, k: k, from: vectorEnd, a: a, aRowStride: aRowStride, aDepthStride: aDepthStride,
            b: b, c: c, accumulate: accumulate)
    }

    /// Rows `row..<row+6` × columns `column..<column+tileWidth` of the product, over the whole
    /// depth. Past the last row the tile repeats it and drops those results.
    @inline(__always)
    private static func productTile(
        m: Int, n: Int, k: Int, row: Int, column: Int, a: UnsafePointer<Float>, aRowStride: Int,
        aDepthStride: Int, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        typealias V = ProductRow
        let size = MemoryLayout<Float>.stride
        let last = m &- 1
        let a0 = a + row &* aRowStride
        let a1 = a + min(row &+ 1, last) &* aRowStride
        let a2 = a + min(row &+ 2, last) &* aRowStride
        let a3 = a + min(row &+ 3, last) &* aRowStride
        let a4 = a + min(row &+ 4, last) &* aRowStride
        let a5 = a + min(row &+ 5, last) &* aRowStride
        let source = UnsafeRawPointer(b)
        let rowBytes = n &* size
        var s0 = V()
        var s1 = V()
        var s2 = V()
        var s3 = V()
        var s4 = V()
        var s5 = V()
        var depth = 0
        var aOffset = 0
        var bOffset = column &* size
        while depth < k {
            let x = source.loadUnaligned(fromByteOffset: bOffset, as: V.self)
            s0.multiplyAdd(V(repeating: a0[aOffset]), x)
            s1.multiplyAdd(V(repeating: a1[aOffset]), x)
            s2.multiplyAdd(V(repeating: a2[aOffset]), x)
            s3.multiplyAdd(V(repeating: a3[aOffset]), x)
            s4.multiplyAdd(V(repeating: a4[aOffset]), x)
            s5.multiplyAdd(V(repeating: a5[aOffset]), x)
            depth &+= 1
            aOffset &+= aDepthStride
            bOffset &+= rowBytes
        }
        @inline(__always) func store(_ r: Int, _ value: V) {
            guard row &+ r < m else { return }
            let target = UnsafeMutableRawPointer(c + ((row &+ r) &* n &+ column))
            target.storeBytes(of: accumulate ? target.loadUnaligned(as: V.self) + value : value, as: V.self)
        }
        store(0, s0)
        store(1, s1)
        store(2, s2)
        store(3, s3)
        store(4, s4)
        store(5, s5)
    }

    /// Columns `first..<n` (fewer than a tile, left over by the vector tiles), one scalar dot product each.
    private static func productTailColumns(
        m: Int, n: Int, k: Int, from first: Int, a: UnsafePointer<Float>, aRowStride: Int, aDepthStride: Int,
        b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        for r in 0..<m {
            for j in first..<n {
                var sum: Float = 0
                for p in 0..<k { sum += a[r * aRowStride + p * aDepthStride] * b[p * n + j] }
                c[r * n + j] = accumulate ? c[r * n + j] + sum : sum
            }
        }
    }
}
