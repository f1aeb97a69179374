import KernelInterface

extension Kernels {
    /// Inference-only fully connected layer on weights packed once (at `InferenceNetwork` creation):
    /// outputs are vectorised one `ProductRow` at a time (64 on AVX-512, 16 on AVX2), so each step
    /// broadcasts one input feature of 6 samples against it (all sums in registers, no horizontal
    /// sums). Features are taken in blocks: a block's weights (24 KB per tile) stay in L1 while every
    /// row of the chunk passes over them, and the rows' inputs for the block stay in L1 for every tile.
    /// `blockedDenseForward` (for training, whose weights change every step) re-reads weights from
    /// L2 for every 4×4 tile and spent half its time waiting on them here.
    enum PackedDense {
        /// Output columns per packed tile.
        static var tileWidth: Int { ProductRow.scalarCount }
        /// Input features per L1 block, so that a block's weights (`featureBlock × tileWidth`) and a
        /// chunk's inputs for it (32 rows × `featureBlock`) fit in L1 together: 96 features on
        /// AVX-512 (24 + 12 KB), 128 with narrower tiles (8 + 16 KB).
        static var featureBlock: Int { tileWidth >= 64 ? 96 : 128 }
        /// Samples per register tile.
        static let rowsPerTile = 6

        static func tiles(_ g: DenseGeometry) -> Int { (g.outFeatures + tileWidth - 1) / tileWidth }
        /// Floats of packed weights.
        static func packedCount(_ g: DenseGeometry) -> Int { tiles(g) * g.inFeatures * tileWidth }
        /// Floats of scratch for `rows` samples (outputs padded to whole tiles).
        static func scratchCount(_ g: DenseGeometry, rows: Int) -> Int { rows * tiles(g) * tileWidth }
    }

    /// Floats of packed weights.
    public static func packedDenseCount(_ g: DenseGeometry) -> Int { PackedDense.packedCount(g) }
    /// Floats of scratch for `rows` samples.
    public static func packedDenseScratchCount(_ g: DenseGeometry, rows: Int) -> Int { PackedDense.scratchCount(g, rows: rows) }

    /// Writes the `[out, in]` weights as tiles of `tileWidth` outputs, each a contiguous `[in, tileWidth]` block.
    /// `packed` must be zeroed: columns past the last output stay 0.
    public static func packDenseWeights(_ g: DenseGeometry, parameters: UnsafePointer<Float>, into packed: UnsafeMutablePointer<Float>) {
        let n = g.inFeatures
        let width = PackedDense.tileWidth
        // Up to 16 outputs at a time: 16 weight rows read in step, 16 contiguous floats written per feature.
        let step = min(16, width)
        for first in stride(from: 0, to: g.outFeatures, by: step) {
            let outputs = first..<min(first + step, g.outFeatures)
            let target = packed + (first / width) * n * width + first % width
            for i in 0..<n {
                for o in outputs { target[i * width + (o - first)] = parameters[g.weight + o * n + i] }
            }
        }
    }

    /// `output[r, o] = Σ_i input[r, i] · W[o, i] + b[o]` (then ReLU if asked) from packed weights.
    /// `scratch` holds `PackedDense.scratchCount(g, rows:)` floats.
    public static func packedDenseForward(
        _ g: DenseGeometry, relu: Bool, packed: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, rows: Int, scratch: UnsafeMutablePointer<Float>
    ) {
        let n = g.inFeatures
        let outs = g.outFeatures
        let width = PackedDense.tileWidth
        let tiles = PackedDense.tiles(g)
        let rowStride = tiles * width
        // Feature blocks outermost: a block of every row's inputs is read from memory once and
        // stays in L1 for all output tiles.
        for start in stride(from: 0, to: n, by: PackedDense.featureBlock) {
            let features = start..<min(start + PackedDense.featureBlock, n)
            for tile in 0..<tiles {
                let weights = packed + tile * n * width
                for row in stride(from: 0, to: rows, by: PackedDense.rowsPerTile) {
                    denseRegisterTile(
                        weights: weights, input: input, inFeatures: n, rows: rows, row: row, features: features,
                        accumulate: start > 0, scratch: scratch + tile * width, rowStride: rowStride)
                }
            }
        }
        for r in 0..<rows {
            let sums = scratch + r * rowStride
            let y = output + r * outs
            for o in 0..<outs {
                let value = sums[o] + bias[o]
                y[o] = relu ? max(value, 0) : value
            }
        }
    }

    /// Rows `row..<row+6` × one tile of outputs over `features`, added to (or, when not
    /// `accumulate`, written to) `scratch`. Past the last row the tile repeats it and drops the result.
    @inline(__always)
    private static func denseRegisterTile(
        weights: UnsafePointer<Float>, input: UnsafePointer<Float>, inFeatures n: Int, rows: Int, row: Int,
        features: Range<Int>, accumulate: Bool, scratch: UnsafeMutablePointer<Float>, rowStride: Int
    ) {
        typealias V = ProductRow
        let x0 = input + row &* n
        let x1 = input + min(row &+ 1, rows &- 1) &* n
        let x2 = input + min(row &+ 2, rows &- 1) &* n
        let x3 = input + min(row &+ 3, rows &- 1) &* n
        let x4 = input + min(row &+ 4, rows &- 1) &* n
        let x5 = input + min(row &+ 5, rows &- 1) &* n
        let w = UnsafeRawPointer(weights)
        let tileBytes = V.scalarCount &* MemoryLayout<Float>.stride
        var s0 = V()
        var s1 = V()
        var s2 = V()
        var s3 = V()
        var s4 = V()
        var s5 = V()
        for i in features {
            let weight = w.loadUnaligned(fromByteOffset: i &* tileBytes, as: V.self)
            s0.multiplyAdd(V(repeating: x0[i]), weight)
            s1.multiplyAdd(V(repeating: x1[i]), weight)
            s2.multiplyAdd(V(repeating: x2[i]), weight)
            s3.multiplyAdd(V(repeating: x3[i]), weight)
            s4.multiplyAdd(V(repeating: x4[i]), weight)
            s5.multiplyAdd(V(repeating: x5[i]), weight)
        }
        @inline(__always) func store(_ r: Int, _ value: V) {
            guard row &+ r < rows else { return }
            let target = UnsafeMutableRawPointer(scratch + (row &+ r) &* rowStride)
            target.storeBytes(of: accumulate ? target.loadUnaligned(as: V.self) + value : value, as: V.self)
        }
        store(0, s0)
        store(1, s1)
        store(2, s2)
        store(3, s3)
        store(4, s4)
        store(5, s5)
    }
}
