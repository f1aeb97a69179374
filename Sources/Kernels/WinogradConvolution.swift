import KernelInterface

/// 3×3 convolution by Winograd's minimal filtering F(2×2, 3×3) (Lavin & Gray, "Fast Algorithms for
/// Convolutional Neural Networks", 2015).
///
/// Computed directly, a 2×2 output tile costs 36·C multiply-adds per output channel (C inputs);
/// here it costs 16·C, spent in 16 independent `[Cout × C]·[C × tiles]` products, plus additions
/// that transform the inputs and outputs. Inference fuses the bias, ReLU and 2×2 max-pool that
/// follow: each 2×2 output tile is exactly one pooling window, so the pool is taken as the tile
/// comes out and the raw convolution is never stored. Training (forward and dInput) writes the
/// dense output instead.
///
/// Layouts (tile `(ti, tj)` sits at position `p = ti·QW + tj`, `QW = tileColumns + 1`):
/// - input: the zero-padded planes split by row and column parity into four quarter planes of QW
///   columns; the 4×4 patch of tile p then starts at p in every quarter, so each of its 16 values
///   is one contiguous vector load across 16 tiles;
/// - transformed inputs `V[ξ][c][p]`, transformed weights `U[ξ][c][o]` (ξ: the 16 positions of a
///   4×4 patch), products `M[o][ξ][p]`. Positions `tj = tileColumns` and the rounding slack are
///   computed and thrown away.

extension Kernels {
    /// Writes `U[ξ][c][o] = (G·w[o][c]·Gᵀ)[ξ]`, computed in Double, for a 3×3 convolution of geometry
    /// `g` whose weight `w[o][c][i][j]` is `weight(o, c, i, j)` (so a flipped, transposed weight for a
    /// backward pass needs no copy).
    public static func packWinogradWeights(
        _ g: ConvolutionGeometry, into packed: UnsafeMutablePointer<Float>, weight: (Int, Int, Int, Int) -> Float
    ) {
        /// `G·(x0, x1, x2)`: one dimension of the weight transform.
        func transform(_ x0: Double, _ x1: Double, _ x2: Double) -> (Double, Double, Double, Double) {
            (x0, (x0 + x1 + x2) / 2, (x0 - x1 + x2) / 2, x2)
        }
        for o in 0..<g.outChannels {
            for c in 0..<g.inChannels {
                func w(_ i: Int, _ j: Int) -> Double { Double(weight(o, c, i, j)) }
                // Columns first (over i), then each of the four rows (over j).
                let c0 = transform(w(0, 0), w(1, 0), w(2, 0))
                let c1 = transform(w(0, 1), w(1, 1), w(2, 1))
                let c2 = transform(w(0, 2), w(1, 2), w(2, 2))
                // Row a of the 4×4 result is ξ = 4a…4a+3; ξ planes are Cin·Cout floats apart.
                let plane = g.inChannels * g.outChannels
                func store(_ a: Int, _ row: (Double, Double, Double, Double)) {
                    let first = packed + (4 * a * g.inChannels + c) * g.outChannels + o
                    first[0] = Float(row.0)
                    first[plane] = Float(row.1)
                    first[2 * plane] = Float(row.2)
                    first[3 * plane] = Float(row.3)
                }
                store(0, transform(c0.0, c1.0, c2.0))
                store(1, transform(c0.1, c1.1, c2.1))
                store(2, transform(c0.2, c1.2, c2.2))
                store(3, transform(c0.3, c1.3, c2.3))
            }
        }
    }

    /// `packWinogradWeights` of the layer's own `[Cout, Cin, 3, 3]` weights in the arena.
    public static func packWinogradWeights(
        _ g: ConvolutionGeometry, parameters: UnsafePointer<Float>, into packed: UnsafeMutablePointer<Float>
    ) {
        packWinogradWeights(g, into: packed) { o, c, i, j in parameters[g.weight + ((o * g.inChannels + c) * 3 + i) * 3 + j] }
    }

    /// One image: `output[o, ti, tj] = max(0, bias[o] + max over tile (ti, tj) of conv(input)[o])`,
    /// i.e. ReLU(conv + bias) then MaxPool2d(2), as `[Cout, tileRows, tileColumns]` (inference).
    public static func winogradConvolutionPool(
        _ g: ConvolutionGeometry, layout: WinogradLayout, packedWeights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        input: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>, products: UnsafeMutablePointer<Float>,
        output: UnsafeMutablePointer<Float>
    ) {
        let positions = pooledPositions(layout)
        winogradProducts(
            g, layout: layout, positions: positions, packedWeights: packedWeights, input: input, scratch: scratch,
            products: products)
        transformOutputsAndPool(layout, positions: positions, products: UnsafePointer(products), bias: bias, output: output)
    }

    /// One image: the convolution as a dense `[Cout, H, W]` image, plus `bias` if given, clamped at 0
    /// if `relu` (training keeps every activation for the backward pass).
    public static func winogradConvolution(
        _ g: ConvolutionGeometry, layout: WinogradLayout, packedWeights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        relu: Bool, input: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>, products: UnsafeMutablePointer<Float>,
        output: UnsafeMutablePointer<Float>
    ) {
        winogradProducts(
            g, layout: layout, positions: layout.positions, packedWeights: packedWeights, input: input, scratch: scratch,
            products: products)
        transformOutputs(layout, products: UnsafePointer(products), bias: bias, relu: relu, output: output)
    }

    /// The products `M` of one image at its first `positions` positions (both outputs start from them).
    private static func winogradProducts(
        _ g: ConvolutionGeometry, layout: WinogradLayout, positions: Int, packedWeights: UnsafePointer<Float>,
        input: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>, products: UnsafeMutablePointer<Float>
    ) {
        splitIntoQuarters(g, layout: layout, input: input, quarters: scratch)
        let transformed = scratch + layout.transformedStart
        transformInputs(layout, positions: positions, quarters: UnsafePointer(scratch), transformed: transformed)
        multiplyTransformed(
            layout, positions: positions, weights: packedWeights, transformed: UnsafePointer(transformed), products: products)
    }

    /// Copies `[Cin, H, W]` into the four parity quarters of its zero-padded planes.
    /// Quarter `(rp, cp)` row `i'` column `j'` holds padded pixel `(2i' + rp, 2j' + cp)`.
    private static func splitIntoQuarters(
        _ g: ConvolutionGeometry, layout: WinogradLayout, input: UnsafePointer<Float>, quarters: UnsafeMutablePointer<Float>
    ) {
        typealias Wide = SIMD32<Float>
        let qw = layout.quarterWidth
        let stride = layout.quarterStride
        let h = g.inHeight
        let w = g.inWidth
        let raw = UnsafeRawPointer(input)
        let size = MemoryLayout<Float>.stride
        let used = (layout.tileRows &+ 1) &* qw
        for c in 0..<g.inChannels {
            let channel = quarters + c &* 4 &* stride
            // Padded row 0 (quarters of even rows, row 0) and padded row H+1 (odd rows, last row).
            channel.update(repeating: 0, count: qw)
            (channel + stride).update(repeating: 0, count: qw)
            (channel + 2 &* stride + layout.tileRows &* qw).update(repeating: 0, count: qw)
            (channel + 3 &* stride + layout.tileRows &* qw).update(repeating: 0, count: qw)
            for q in 0..<4 { (channel + q &* stride + used).update(repeating: 0, count: stride &- used) }
            for i in 0..<h {
                let r = i &+ 1
                // Even padded columns 2j' hold input column 2j' − 1; odd ones 2j' + 1 hold column 2j'.
                let evenColumns = channel + ((r & 1) &* 2) &* stride + (r >> 1) &* qw
                let oddColumns = evenColumns + stride
                let row = (c &* h &+ i) &* w
                evenColumns[0] = 0
                oddColumns[w >> 1] = 0
                var j = 0
                while j &+ Wide.scalarCount <= w {
                    let x = raw.loadUnaligned(fromByteOffset: (row &+ j) &* size, as: Wide.self)
                    UnsafeMutableRawPointer(oddColumns + j >> 1).storeBytes(of: evenLanes(x), as: SIMD16<Float>.self)
                    UnsafeMutableRawPointer(evenColumns + ((j >> 1) &+ 1)).storeBytes(of: oddLanes(x), as: SIMD16<Float>.self)
                    j &+= Wide.scalarCount
                }
                while j < w {
                    oddColumns[j >> 1] = input[row &+ j]
                    // An odd width's last column has no right neighbour (no tile needs the padding past it).
                    if j &+ 1 < w { evenColumns[(j >> 1) &+ 1] = input[row &+ j &+ 1] }
                    j &+= 2
                }
            }
        }
    }

    /// `(x0 − x2, x1 + x2, x2 − x1, x1 − x3)`: one dimension of `Bᵀ·d·B`.
    @inline(__always)
    private static func inputTransform(_ x0: Lane, _ x1: Lane, _ x2: Lane, _ x3: Lane) -> (Lane, Lane, Lane, Lane) {
        (x0 - x2, x1 + x2, x2 - x1, x1 - x3)
    }

    /// Row transform of one patch row across one register of positions: the row's columns 0…3 are
    /// quarter column parities 0, 1, 0, 1 at offsets 0, 0, 1, 1 (`base` is its even-column quarter, in floats).
    @inline(__always)
    private static func patchRow(_ quarters: UnsafeRawPointer, _ base: Int, _ stride: Int) -> (Lane, Lane, Lane, Lane) {
        typealias V = Lane
        let size = MemoryLayout<Float>.stride
        return inputTransform(
            quarters.loadUnaligned(fromByteOffset: base &* size, as: V.self),
            quarters.loadUnaligned(fromByteOffset: (base &+ stride) &* size, as: V.self),
            quarters.loadUnaligned(fromByteOffset: (base &+ 1) &* size, as: V.self),
            quarters.loadUnaligned(fromByteOffset: (base &+ stride &+ 1) &* size, as: V.self))
    }

    /// `V[ξ][c][p] = (Bᵀ·d·B)[ξ]` for the 4×4 patch d of each of the first `positions` tile positions
    /// p, one register of positions at a time (the 16 values of a patch row block fill the register file).
    private static func transformInputs(
        _ layout: WinogradLayout, positions: Int, quarters: UnsafePointer<Float>, transformed: UnsafeMutablePointer<Float>
    ) {
        typealias V = Lane
        let raw = UnsafeRawPointer(quarters)
        let out = UnsafeMutableRawPointer(transformed)
        let size = MemoryLayout<Float>.stride
        let qw = layout.quarterWidth
        let stride = layout.quarterStride
        let plane = layout.transformedPlane &* size  // bytes between ξ planes of V
        for c in 0..<layout.inChannels {
            let q0 = c &* 4 &* stride  // quarters (rp, cp) at q0 + (2·rp + cp)·stride
            var p = 0
            while p < positions {
                // Patch row a lives in quarter row parity a & 1, at quarter row offset a >> 1.
                let even = q0 &+ p
                let odd = even &+ 2 &* stride
                let r0 = patchRow(raw, even, stride)
                let r1 = patchRow(raw, odd, stride)
                let r2 = patchRow(raw, even &+ qw, stride)
                let r3 = patchRow(raw, odd &+ qw, stride)
                let c0 = inputTransform(r0.0, r1.0, r2.0, r3.0)
                let c1 = inputTransform(r0.1, r1.1, r2.1, r3.1)
                let c2 = inputTransform(r0.2, r1.2, r2.2, r3.2)
                let c3 = inputTransform(r0.3, r1.3, r2.3, r3.3)
                // ξ = 4a + b; c_b holds column b's four values over a.
                let base = (c &* layout.rowStride &+ p) &* size
                out.storeBytes(of: c0.0, toByteOffset: base, as: V.self)
                out.storeBytes(of: c1.0, toByteOffset: base &+ plane, as: V.self)
                out.storeBytes(of: c2.0, toByteOffset: base &+ 2 &* plane, as: V.self)
                out.storeBytes(of: c3.0, toByteOffset: base &+ 3 &* plane, as: V.self)
                out.storeBytes(of: c0.1, toByteOffset: base &+ 4 &* plane, as: V.self)
                out.storeBytes(of: c1.1, toByteOffset: base &+ 5 &* plane, as: V.self)
                out.storeBytes(of: c2.1, toByteOffset: base &+ 6 &* plane, as: V.self)
                out.storeBytes(of: c3.1, toByteOffset: base &+ 7 &* plane, as: V.self)
                out.storeBytes(of: c0.2, toByteOffset: base &+ 8 &* plane, as: V.self)
                out.storeBytes(of: c1.2, toByteOffset: base &+ 9 &* plane, as: V.self)
                out.storeBytes(of: c2.2, toByteOffset: base &+ 10 &* plane, as: V.self)
                out.storeBytes(of: c3.2, toByteOffset: base &+ 11 &* plane, as: V.self)
                out.storeBytes(of: c0.3, toByteOffset: base &+ 12 &* plane, as: V.self)
                out.storeBytes(of: c1.3, toByteOffset: base &+ 13 &* plane, as: V.self)
                out.storeBytes(of: c2.3, toByteOffset: base &+ 14 &* plane, as: V.self)
                out.storeBytes(of: c3.3, toByteOffset: base &+ 15 &* plane, as: V.self)
                p &+= V.scalarCount
            }
        }
    }

    /// `(x0 + x1 + x2, x1 − x2 − x3)`: one dimension of `Aᵀ·M·A`.
    @inline(__always)
    private static func outputTransform<V: SIMD>(_ x0: V, _ x1: V, _ x2: V, _ x3: V) -> (V, V) where V.Scalar == Float {
        (x0 + x1 + x2, x1 - x2 - x3)
    }

    /// The 2×2 output tiles `(y00, y01, y10, y11)` = `Aᵀ·M·A` of `V.scalarCount` positions whose
    /// product ξ = 0 is at byte offset `base`, each ξ `row` bytes after the previous one.
    @inline(__always)
    private static func outputTile<V: SIMD>(_ products: UnsafeRawPointer, _ base: Int, _ row: Int, as _: V.Type) -> (V, V, V, V)
    where V.Scalar == Float {
        // Columns first: for each patch column b, the two output rows.
        let k0 = productColumn(products, base, row, as: V.self)
        let k1 = productColumn(products, base &+ row, row, as: V.self)
        let k2 = productColumn(products, base &+ 2 &* row, row, as: V.self)
        let k3 = productColumn(products, base &+ 3 &* row, row, as: V.self)
        let top = outputTransform(k0.0, k1.0, k2.0, k3.0)
        let bottom = outputTransform(k0.1, k1.1, k2.1, k3.1)
        return (top.0, top.1, bottom.0, bottom.1)
    }

    /// `outputTransform` of products ξ = b, b + 4, b + 8, b + 12 (patch column b, rows 0…3), the
    /// first at byte offset `base`, each `row` bytes after the previous ξ.
    @inline(__always)
    private static func productColumn<V: SIMD>(_ products: UnsafeRawPointer, _ base: Int, _ row: Int, as _: V.Type) -> (V, V)
    where V.Scalar == Float {
        outputTransform(
            products.loadUnaligned(fromByteOffset: base, as: V.self),
            products.loadUnaligned(fromByteOffset: base &+ 4 &* row, as: V.self),
            products.loadUnaligned(fromByteOffset: base &+ 8 &* row, as: V.self),
            products.loadUnaligned(fromByteOffset: base &+ 12 &* row, as: V.self))
    }

    /// Turns each output channel's products into its 2×2 tiles (`Aᵀ·M·A`), adds the bias if given,
    /// clamps at 0 if `relu`, and writes the valid tiles as a dense `[Cout, 2·tileRows, 2·tileColumns]`.
    private static func transformOutputs(
        _ layout: WinogradLayout, products: UnsafePointer<Float>, bias: UnsafePointer<Float>?, relu: Bool,
        output: UnsafeMutablePointer<Float>
    ) {
        typealias V = SIMD16<Float>
        let positions = layout.positions
        let size = MemoryLayout<Float>.stride
        let raw = UnsafeRawPointer(products)
        let row = layout.rowStride &* size
        let width = 2 &* layout.tileColumns
        let plane = 2 &* layout.tileRows &* width
        // Tile p's top pair at 2p of `rows`, its bottom pair at 2p of the second half.
        withUnsafeTemporaryAllocation(of: SIMD32<Float>.self, capacity: 2 &* positions / V.scalarCount) { rows in
            let top = UnsafeMutableRawPointer(rows.baseAddress!).assumingMemoryBound(to: Float.self)
            let bottom = top + 2 &* positions
            for o in 0..<layout.outChannels {
                let b = V(repeating: bias?[o] ?? 0)
                let zero = V()
                let channel = o &* layout.productChannel &* size
                var p = 0
                while p < positions {
                    var (y00, y01, y10, y11) = outputTile(raw, channel &+ p &* size, row, as: V.self)
                    y00 += b
                    y01 += b
                    y10 += b
                    y11 += b
                    if relu {
                        y00 = lanewiseMax(y00, zero)
                        y01 = lanewiseMax(y01, zero)
                        y10 = lanewiseMax(y10, zero)
                        y11 = lanewiseMax(y11, zero)
                    }
                    UnsafeMutableRawPointer(top + 2 &* p).storeBytes(of: interleave(y00, y01), as: SIMD32<Float>.self)
                    UnsafeMutableRawPointer(bottom + 2 &* p).storeBytes(of: interleave(y10, y11), as: SIMD32<Float>.self)
                    p &+= V.scalarCount
                }
                let target = output + o &* plane
                for ti in 0..<layout.tileRows {
                    let source = 2 &* ti &* layout.quarterWidth
                    (target + 2 &* ti &* width).update(from: top + source, count: width)
                    (target + (2 &* ti &+ 1) &* width).update(from: bottom + source, count: width)
                }
            }
        }
    }

    /// Turns each output channel's products at the first `positions` positions into its 2×2 tiles
    /// (`Aᵀ·M·A`), keeps each tile's maximum, adds the bias, clamps at 0 and writes the valid
    /// positions as `[Cout, tileRows, tileColumns]`.
    private static func transformOutputsAndPool(
        _ layout: WinogradLayout, positions: Int, products: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>
    ) {
        typealias V = Lane
        let size = MemoryLayout<Float>.stride
        let raw = UnsafeRawPointer(products)
        let row = layout.rowStride &* size
        let pooledCount = layout.tileRows &* layout.tileColumns
        withUnsafeTemporaryAllocation(of: V.self, capacity: positions / V.scalarCount) { pooledRow in
            let pooled = UnsafeMutableRawPointer(pooledRow.baseAddress!).assumingMemoryBound(to: Float.self)
            for o in 0..<layout.outChannels {
                let b = V(repeating: bias[o])
                let zero = V()
                let channel = o &* layout.productChannel &* size
                var p = 0
                while p < positions {
                    let (y00, y01, y10, y11) = outputTile(raw, channel &+ p &* size, row, as: V.self)
                    let best = lanewiseMax(lanewiseMax(y00, y01), lanewiseMax(y10, y11)) + b
                    pooledRow[p / V.scalarCount] = lanewiseMax(best, zero)
                    p &+= V.scalarCount
                }
                let target = output + o &* pooledCount
                for ti in 0..<layout.tileRows {
                    (target + ti &* layout.tileColumns).update(from: pooled + ti &* layout.quarterWidth, count: layout.tileColumns)
                }
            }
        }
    }
}
