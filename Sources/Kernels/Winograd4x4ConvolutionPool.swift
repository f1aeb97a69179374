import KernelInterface

/// 3×3 convolution + bias + ReLU + 2×2 max-pool at inference by Winograd's F(4×4, 3×3) (see
/// `Winograd4x4Layout`): 36 products per 4×4 output tile instead of F(2×2, 3×3)'s 64, which pays
/// on layers wide enough to fill the tiles. Each tile holds 2×2 pooling windows, pooled as the tile
/// comes out of the output transform, so the raw convolution is never stored.

/// Six vectors: one patch row or column, or one dimension of a transform.
typealias Lane6 = (Lane, Lane, Lane, Lane, Lane, Lane)

extension Kernels {
    /// Writes `U[ξ][c][o] = (G·w[o][c]·Gᵀ)[ξ]`, computed in Double, for the layer's own
    /// `[Cout, Cin, 3, 3]` weights in the arena (ξ = 6a + b).
    public static func packWinograd4x4Weights(
        _ g: ConvolutionGeometry, parameters: UnsafePointer<Float>, into packed: UnsafeMutablePointer<Float>
    ) {
        /// `G·(x0, x1, x2)`: one dimension of the weight transform.
        func transform(_ x0: Double, _ x1: Double, _ x2: Double) -> [Double] {
            [x0 / 4, -(x0 + x1 + x2) / 6, -(x0 - x1 + x2) / 6, x0 / 24 + x1 / 12 + x2 / 6, x0 / 24 - x1 / 12 + x2 / 6, x2]
        }
        for o in 0..<g.outChannels {
            for c in 0..<g.inChannels {
                func w(_ i: Int, _ j: Int) -> Double { Double(parameters[g.weight + ((o * g.inChannels + c) * 3 + i) * 3 + j]) }
                // Columns first (over i), then each of the six rows (over j).
                let columns = (0..<3).map { j in transform(w(0, j), w(1, j), w(2, j)) }
                for a in 0..<6 {
                    let row = transform(columns[0][a], columns[1][a], columns[2][a])
                    for b in 0..<6 { packed[((6 * a + b) * g.inChannels + c) * g.outChannels + o] = Float(row[b]) }
                }
            }
        }
    }

    /// One image: `output[o, i, j] = max(0, bias[o] + max over pooling window (i, j) of conv(input)[o])`,
    /// i.e. ReLU(conv + bias) then MaxPool2d(2), as `[Cout, pooledRows, pooledColumns]`.
    public static func winograd4x4ConvolutionPool(
        _ g: ConvolutionGeometry, layout: Winograd4x4Layout, packedWeights: UnsafePointer<Float>,
        bias: UnsafePointer<Float>, input: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
        products: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>
    ) {
        let positions = pooledPositions(layout)
        splitIntoSixteenths(g, layout: layout, input: input, planes: scratch)
        let transformed = scratch + layout.transformedStart
        transformPatches(layout, positions: positions, planes: UnsafePointer(scratch), transformed: transformed)
        multiplyTransformed(
            layout, positions: positions, weights: packedWeights, transformed: UnsafePointer(transformed), products: products)
        transformTilesAndPool(layout, positions: positions, products: UnsafePointer(products), bias: bias, output: output)
    }

    /// Copies `[Cin, H, W]` into the 16 planes of its zero-padded planes: plane `(r % 4, s % 4)` row
    /// `r / 4` column `s / 4` holds padded pixel `(r, s)`, which is input pixel `(r − 1, s − 1)` or 0.
    private static func splitIntoSixteenths(
        _ g: ConvolutionGeometry, layout: Winograd4x4Layout, input: UnsafePointer<Float>, planes: UnsafeMutablePointer<Float>
    ) {
        let qw = layout.planeWidth
        let stride = layout.planeStride
        let h = g.inHeight
        let w = g.inWidth
        let used = (layout.tileRows &+ 1) &* qw
        for c in 0..<g.inChannels {
            let channel = planes + c &* 16 &* stride
            for k in 0..<16 { (channel + k &* stride + used).update(repeating: 0, count: stride &- used) }
            for r in 0..<(4 &* (layout.tileRows &+ 1)) {
                // Row r / 4 of planes (r % 4, 0…3): input row r − 1 spread over them, or zeros.
                let first = channel + (r & 3) &* 4 &* stride + (r >> 2) &* qw
                let i = r &- 1
                guard i >= 0, i < h else {
                    for k in 0..<4 { (first + k &* stride).update(repeating: 0, count: qw) }
                    continue
                }
                let row = input + (c &* h &+ i) &* w
                // Padded column 0, and those past the input's right edge.
                first[0] = 0
                for s in (w &+ 1)..<(4 &* qw) { first[(s & 3) &* stride &+ (s >> 2)] = 0 }
                // Input column j is padded column j + 1: plane column (j + 1) / 4 of plane (j + 1) % 4.
                var j = 0
                while j &+ 32 <= w {
                    let x = UnsafeRawPointer(row + j).loadUnaligned(as: SIMD32<Float>.self)
                    let even = evenLanes(x)
                    let odd = oddLanes(x)
                    let column = j >> 2
                    store(evenLanes(even), at: first + stride + column)
                    store(evenLanes(odd), at: first + 2 &* stride + column)
                    store(oddLanes(even), at: first + 3 &* stride + column)
                    store(oddLanes(odd), at: first + column + 1)
                    j &+= 32
                }
                while j < w {
                    let s = j &+ 1
                    first[(s & 3) &* stride &+ (s >> 2)] = row[j]
                    j &+= 1
                }
            }
        }
    }

    /// Stores `value`'s lanes at `pointer`.
    @inline(__always)
    private static func store<V: SIMD>(_ value: V, at pointer: UnsafeMutablePointer<Float>) where V.Scalar == Float {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: V.self)
    }

    /// `Bᵀ·x`: one dimension of the input transform `Bᵀ·d·B`, 17 operations.
    @inline(__always)
    private static func inputTransform(_ x: Lane6) -> Lane6 {
        let a = x.4 - x.2
        let b = (x.3 - x.1) * 2
        let c = x.4 - x.2 * 4
        let d = x.3 - x.1 * 4
        return ((x.0 - x.2) * 4 + a, c + d, c - d, a + b, a - b, (x.5 - x.3) - b * 2)
    }

    /// `Bᵀ` over one patch row across one register of positions: the row's columns 0…5 are in
    /// planes 0, 1, 2, 3, 0, 1 of its row remainder (`base`: plane 0, in floats), columns 4 and 5
    /// one plane column on.
    @inline(__always)
    private static func patchRow(_ planes: UnsafeRawPointer, _ base: Int, _ stride: Int) -> Lane6 {
        let size = MemoryLayout<Float>.stride
        func load(_ offset: Int) -> Lane { planes.loadUnaligned(fromByteOffset: (base &+ offset) &* size, as: Lane.self) }
        return inputTransform((load(0), load(stride), load(2 &* stride), load(3 &* stride), load(1), load(stride &+ 1)))
    }

    /// `V[ξ][c][p] = (Bᵀ·d·B)[ξ]` for the 6×6 patch d of each of the first `positions` tile
    /// positions p, one register of positions at a time.
    private static func transformPatches(
        _ layout: Winograd4x4Layout, positions: Int, planes: UnsafePointer<Float>, transformed: UnsafeMutablePointer<Float>
    ) {
        let raw = UnsafeRawPointer(planes)
        let out = UnsafeMutableRawPointer(transformed)
        let size = MemoryLayout<Float>.stride
        let qw = layout.planeWidth
        let stride = layout.planeStride
        let plane = layout.transformedPlane &* size  // bytes between ξ planes of V
        for c in 0..<layout.inChannels {
            let planes0 = c &* 16 &* stride  // plane (rm, cm) at planes0 + (4·rm + cm)·stride
            var p = 0
            while p < positions {
                // Patch row a: planes of row remainder a % 4, plane row offset a / 4.
                let first = planes0 &+ p
                let r0 = patchRow(raw, first, stride)
                let r1 = patchRow(raw, first &+ 4 &* stride, stride)
                let r2 = patchRow(raw, first &+ 8 &* stride, stride)
                let r3 = patchRow(raw, first &+ 12 &* stride, stride)
                let r4 = patchRow(raw, first &+ qw, stride)
                let r5 = patchRow(raw, first &+ 4 &* stride &+ qw, stride)
                // Column b' of the row-transformed patch, transformed over its rows: ξ = 6a' + b'.
                let base = (c &* layout.rowStride &+ p) &* size
                patchColumn(out, base, plane, (r0.0, r1.0, r2.0, r3.0, r4.0, r5.0))
                patchColumn(out, base &+ plane, plane, (r0.1, r1.1, r2.1, r3.1, r4.1, r5.1))
                patchColumn(out, base &+ 2 &* plane, plane, (r0.2, r1.2, r2.2, r3.2, r4.2, r5.2))
                patchColumn(out, base &+ 3 &* plane, plane, (r0.3, r1.3, r2.3, r3.3, r4.3, r5.3))
                patchColumn(out, base &+ 4 &* plane, plane, (r0.4, r1.4, r2.4, r3.4, r4.4, r5.4))
                patchColumn(out, base &+ 5 &* plane, plane, (r0.5, r1.5, r2.5, r3.5, r4.5, r5.5))
                p &+= Lane.scalarCount
            }
        }
    }

    /// `Bᵀ` over one column of the row-transformed patch, stored as ξ = b', b' + 6, …, b' + 30 (the
    /// first at byte offset `start`, ξ planes `plane` bytes apart).
    @inline(__always)
    private static func patchColumn(_ out: UnsafeMutableRawPointer, _ start: Int, _ plane: Int, _ x: Lane6) {
        let y = inputTransform(x)
        out.storeBytes(of: y.0, toByteOffset: start, as: Lane.self)
        out.storeBytes(of: y.1, toByteOffset: start &+ 6 &* plane, as: Lane.self)
        out.storeBytes(of: y.2, toByteOffset: start &+ 12 &* plane, as: Lane.self)
        out.storeBytes(of: y.3, toByteOffset: start &+ 18 &* plane, as: Lane.self)
        out.storeBytes(of: y.4, toByteOffset: start &+ 24 &* plane, as: Lane.self)
        out.storeBytes(of: y.5, toByteOffset: start &+ 30 &* plane, as: Lane.self)
    }

    /// `Aᵀ·m`: one dimension of the output transform `Aᵀ·M·A`, 13 operations.
    @inline(__always)
    private static func outputTransform(_ m: Lane6) -> (Lane, Lane, Lane, Lane) {
        let s12 = m.1 + m.2
        let d12 = m.1 - m.2
        let s34 = m.3 + m.4
        let d34 = m.3 - m.4
        return (m.0 + s12 + s34, d12 + d34 * 2, s12 + s34 * 4, d12 + d34 * 8 + m.5)
    }

    /// `Aᵀ` over patch column b of the products (ξ = b, b + 6, …, b + 30), the first at byte offset
    /// `base`, each ξ `row` bytes after the previous one.
    @inline(__always)
    private static func productColumn(_ products: UnsafeRawPointer, _ base: Int, _ row: Int) -> (Lane, Lane, Lane, Lane) {
        func load(_ a: Int) -> Lane { products.loadUnaligned(fromByteOffset: base &+ 6 &* a &* row, as: Lane.self) }
        return outputTransform((load(0), load(1), load(2), load(3), load(4), load(5)))
    }

    /// The maximum of one 2×2 pooling window.
    @inline(__always)
    private static func window(_ a: Lane, _ b: Lane, _ c: Lane, _ d: Lane) -> Lane {
        lanewiseMax(lanewiseMax(a, b), lanewiseMax(c, d))
    }

    /// Turns each output channel's products at the first `positions` positions into its 4×4 tiles
    /// (`Aᵀ·M·A`), keeps each 2×2 window's maximum, adds the bias, clamps at 0 and writes the pooled
    /// outputs as `[Cout, pooledRows, pooledColumns]`.
    private static func transformTilesAndPool(
        _ layout: Winograd4x4Layout, positions: Int, products: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>
    ) {
        let size = MemoryLayout<Float>.stride
        let raw = UnsafeRawPointer(products)
        let row = layout.rowStride &* size
        let pooledCount = layout.pooledRows &* layout.pooledColumns
        // Tile p's top pooled pair at 2p of `top`, its bottom pair at 2p of `bottom`.
        withUnsafeTemporaryAllocation(of: Lane.self, capacity: 4 &* positions / Lane.scalarCount) { pairs in
            let top = UnsafeMutableRawPointer(pairs.baseAddress!).assumingMemoryBound(to: Float.self)
            let bottom = top + 2 &* positions
            for o in 0..<layout.outChannels {
                let b = Lane(repeating: bias[o])
                let zero = Lane()
                let channel = o &* layout.productChannel &* size
                var p = 0
                while p < positions {
                    // Columns first: for each patch column, the four output rows.
                    let first = channel &+ p &* size
                    let k0 = productColumn(raw, first, row)
                    let k1 = productColumn(raw, first &+ row, row)
                    let k2 = productColumn(raw, first &+ 2 &* row, row)
                    let k3 = productColumn(raw, first &+ 3 &* row, row)
                    let k4 = productColumn(raw, first &+ 4 &* row, row)
                    let k5 = productColumn(raw, first &+ 5 &* row, row)
                    let y0 = outputTransform((k0.0, k1.0, k2.0, k3.0, k4.0, k5.0))
                    let y1 = outputTransform((k0.1, k1.1, k2.1, k3.1, k4.1, k5.1))
                    let y2 = outputTransform((k0.2, k1.2, k2.2, k3.2, k4.2, k5.2))
                    let y3 = outputTransform((k0.3, k1.3, k2.3, k3.3, k4.3, k5.3))
                    let topLeft = window(y0.0, y0.1, y1.0, y1.1)
                    let topRight = window(y0.2, y0.3, y1.2, y1.3)
                    let bottomLeft = window(y2.0, y2.1, y3.0, y3.1)
                    let bottomRight = window(y2.2, y2.3, y3.2, y3.3)
                    store(interleave(lanewiseMax(topLeft + b, zero), lanewiseMax(topRight + b, zero)), at: top + 2 &* p)
                    store(interleave(lanewiseMax(bottomLeft + b, zero), lanewiseMax(bottomRight + b, zero)), at: bottom + 2 &* p)
                    p &+= Lane.scalarCount
                }
                let target = output + o &* pooledCount
                for ti in 0..<layout.tileRows {
                    let source = 2 &* ti &* layout.planeWidth
                    (target + 2 &* ti &* layout.pooledColumns).update(from: top + source, count: layout.pooledColumns)
                    if 2 &* ti &+ 1 < layout.pooledRows {
                        (target + (2 &* ti &+ 1) &* layout.pooledColumns).update(from: bottom + source, count: layout.pooledColumns)
                    }
                }
            }
        }
    }
}
