/// Matrix product for the fully connected backward pass, in AVX-512 registers: `C[m, n] = A · B`
/// (or `C += A · B`) with B `[k, n]` and C `[m, n]` row-major and A `[m, k]` read through strides,
/// so one kernel serves both dW += dYᵀ·X (A is dY transposed) and dX = dY·W. Columns are
/// vectorised 64 at a time (contiguous in B and C): each depth step broadcasts one element of
/// 6 rows of A against 4 vectors of B, 24 FMAs into 24 accumulators, no horizontal sums.
/// Columns are taken in blocks of 512, so a block of B (k × 2 KB) stays in L2 while every row
/// tile passes over it and each row tile walks C in 2 KB runs. Replaces OpenBLAS, which runs its
/// SSE3 (Prescott) kernels on these CPUs.
enum TiledProduct {
    /// Rows of A (and C) per register tile.
    static let rowsPerTile = 6
    /// Columns of B (and C) per register tile: 4 vectors.
    static let tileWidth = 64
    /// Columns per L2 block.
    static let columnBlock = 512
}

/// `C = A · B`, or `C += A · B` when `accumulate`. A's element (r, p) is `a[r * aRowStride + p * aDepthStride]`;
/// B and C have `n` columns, with no padding between rows.
func tiledProduct(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, aRowStride: Int, aDepthStride: Int,
    b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, accumulate: Bool
) {
    let vectorEnd = n / 16 * 16
    for start in stride(from: 0, to: vectorEnd, by: TiledProduct.columnBlock) {
        let end = min(start + TiledProduct.columnBlock, vectorEnd)
        for row in stride(from: 0, to: m, by: TiledProduct.rowsPerTile) {
            for column in stride(from: start, to: end, by: TiledProduct.tileWidth) {
                productTile(m: m, n: n, k: k, vectorEnd: vectorEnd, row: row, column: column, a: a,
                            aRowStride: aRowStride, aDepthStride: aDepthStride, b: b, c: c, accumulate: accumulate)
            }
        }
    }
    productTailColumns(m: m, n: n, k: k, from: vectorEnd, a: a, aRowStride: aRowStride, aDepthStride: aDepthStride,
                       b: b, c: c, accumulate: accumulate)
}

/// Rows `row..<row+6` × columns `column..<column+64` of the product, over the whole depth.
/// Past the last row the tile repeats it, and past `vectorEnd` (the last whole vector of columns)
/// it repeats that vector; those results are dropped, so no row or column is stored twice.
@inline(__always)
private func productTile(
    m: Int, n: Int, k: Int, vectorEnd: Int, row: Int, column: Int, a: UnsafePointer<Float>, aRowStride: Int,
    aDepthStride: Int, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, accumulate: Bool
) {
    typealias V = SIMD16<Float>
    let size = MemoryLayout<Float>.stride, last = m &- 1
    let a0 = a + row &* aRowStride, a1 = a + min(row &+ 1, last) &* aRowStride
    let a2 = a + min(row &+ 2, last) &* aRowStride, a3 = a + min(row &+ 3, last) &* aRowStride
    let a4 = a + min(row &+ 4, last) &* aRowStride, a5 = a + min(row &+ 5, last) &* aRowStride
    let lastVector = vectorEnd &- 16
    let c0 = column &* size, c1 = min(column &+ 16, lastVector) &* size
    let c2 = min(column &+ 32, lastVector) &* size, c3 = min(column &+ 48, lastVector) &* size
    let source = UnsafeRawPointer(b), rowBytes = n &* size
    var s00 = V(), s01 = V(), s02 = V(), s03 = V(), s10 = V(), s11 = V(), s12 = V(), s13 = V()
    var s20 = V(), s21 = V(), s22 = V(), s23 = V(), s30 = V(), s31 = V(), s32 = V(), s33 = V()
    var s40 = V(), s41 = V(), s42 = V(), s43 = V(), s50 = V(), s51 = V(), s52 = V(), s53 = V()
    var depth = 0, aOffset = 0, bOffset = 0
    while depth < k {
        let b0 = source.loadUnaligned(fromByteOffset: bOffset &+ c0, as: V.self)
        let b1 = source.loadUnaligned(fromByteOffset: bOffset &+ c1, as: V.self)
        let b2 = source.loadUnaligned(fromByteOffset: bOffset &+ c2, as: V.self)
        let b3 = source.loadUnaligned(fromByteOffset: bOffset &+ c3, as: V.self)
        var s = V(repeating: a0[aOffset]); s00.addProduct(s, b0); s01.addProduct(s, b1); s02.addProduct(s, b2); s03.addProduct(s, b3)
        s = V(repeating: a1[aOffset]); s10.addProduct(s, b0); s11.addProduct(s, b1); s12.addProduct(s, b2); s13.addProduct(s, b3)
        s = V(repeating: a2[aOffset]); s20.addProduct(s, b0); s21.addProduct(s, b1); s22.addProduct(s, b2); s23.addProduct(s, b3)
        s = V(repeating: a3[aOffset]); s30.addProduct(s, b0); s31.addProduct(s, b1); s32.addProduct(s, b2); s33.addProduct(s, b3)
        s = V(repeating: a4[aOffset]); s40.addProduct(s, b0); s41.addProduct(s, b1); s42.addProduct(s, b2); s43.addProduct(s, b3)
        s = V(repeating: a5[aOffset]); s50.addProduct(s, b0); s51.addProduct(s, b1); s52.addProduct(s, b2); s53.addProduct(s, b3)
        depth &+= 1; aOffset &+= aDepthStride; bOffset &+= rowBytes
    }
    @inline(__always) func put(_ value: V, _ target: UnsafeMutableRawPointer, _ offset: Int) {
        let sum = accumulate ? target.loadUnaligned(fromByteOffset: offset, as: V.self) + value : value
        target.storeBytes(of: sum, toByteOffset: offset, as: V.self)
    }
    @inline(__always) func store(_ r: Int, _ v0: V, _ v1: V, _ v2: V, _ v3: V) {
        guard row &+ r < m else { return }
        let target = UnsafeMutableRawPointer(c + (row &+ r) &* n)
        put(v0, target, c0)
        if column &+ 16 < vectorEnd { put(v1, target, c1) }
        if column &+ 32 < vectorEnd { put(v2, target, c2) }
        if column &+ 48 < vectorEnd { put(v3, target, c3) }
    }
    store(0, s00, s01, s02, s03)
    store(1, s10, s11, s12, s13)
    store(2, s20, s21, s22, s23)
    store(3, s30, s31, s32, s33)
    store(4, s40, s41, s42, s43)
    store(5, s50, s51, s52, s53)
}

/// Columns `first..<n` (fewer than 16, left over by the vector tiles), one scalar dot product each.
private func productTailColumns(
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
