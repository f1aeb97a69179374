/// Inference-only fully connected layer on weights packed once (at `InferenceNetwork` creation):
/// outputs are vectorised, 64 at a time, so each step broadcasts one input feature of 6 samples
/// against 4 vectors of weights (24 FMAs in registers, no horizontal sums). Features are taken
/// in blocks: a block's weights (`featureBlock × 64` floats per tile) stay in L1 while every row
/// of the chunk passes over them, and the rows' inputs for the block stay in L1 for every tile.
/// `blockedDenseForward` (for training, whose weights change every step) re-reads weights from
/// L2 for every 4×4 tile and spent half its time waiting on them here.
enum PackedDense {
    /// Output columns per packed tile.
    static let tileWidth = 64
    /// Input features per L1 block: 96 × 64 × 4 B = 24 KB of weights.
    static let featureBlock = 96
    /// Samples per register tile.
    static let rowsPerTile = 6

    static func tiles(_ g: DenseGeometry) -> Int { (g.outFeatures + tileWidth - 1) / tileWidth }
    /// Floats of packed weights.
    static func packedCount(_ g: DenseGeometry) -> Int { tiles(g) * g.inFeatures * tileWidth }
    /// Floats of scratch for `rows` samples (outputs padded to whole tiles).
    static func scratchCount(_ g: DenseGeometry, rows: Int) -> Int { rows * tiles(g) * tileWidth }
}

/// Writes the `[out, in]` weights as tiles of 64 outputs, each a contiguous `[in, 64]` block.
/// `packed` must be zeroed: columns past the last output stay 0.
func packDenseWeights(_ g: DenseGeometry, parameters: UnsafePointer<Float>, into packed: UnsafeMutablePointer<Float>) {
    let n = g.inFeatures, width = PackedDense.tileWidth
    // 16 outputs at a time: 16 weight rows read in step, 16 contiguous floats written per feature.
    for first in stride(from: 0, to: g.outFeatures, by: 16) {
        let outputs = first..<min(first + 16, g.outFeatures)
        let target = packed + (first / width) * n * width + first % width
        for i in 0..<n {
            for o in outputs { target[i * width + (o - first)] = parameters[g.weight + o * n + i] }
        }
    }
}

/// `output[r, o] = Σ_i input[r, i] · W[o, i] + b[o]` (then ReLU if asked) from packed weights.
/// `scratch` holds `PackedDense.scratchCount(g, rows:)` floats.
func packedDenseForward(
    _ g: DenseGeometry, relu: Bool, packed: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, rows: Int, scratch: UnsafeMutablePointer<Float>
) {
    let n = g.inFeatures, outs = g.outFeatures, width = PackedDense.tileWidth
    let tiles = PackedDense.tiles(g), rowStride = tiles * width
    // Feature blocks outermost: a block of every row's inputs is read from memory once and
    // stays in L1 for all output tiles.
    for start in stride(from: 0, to: n, by: PackedDense.featureBlock) {
        let features = start..<min(start + PackedDense.featureBlock, n)
        for tile in 0..<tiles {
            let weights = packed + tile * n * width
            for row in stride(from: 0, to: rows, by: PackedDense.rowsPerTile) {
                denseRegisterTile(weights: weights, input: input, inFeatures: n, rows: rows, row: row, features: features,
                                  accumulate: start > 0, scratch: scratch + tile * width, rowStride: rowStride)
            }
        }
    }
    for r in 0..<rows {
        let sums = scratch + r * rowStride, y = output + r * outs
        for o in 0..<outs {
            let value = sums[o] + bias[o]
            y[o] = relu ? max(value, 0) : value
        }
    }
}

/// Rows `row..<row+6` × one tile of 64 outputs over `features`, added to (or, when not
/// `accumulate`, written to) `scratch`. Past the last row the tile repeats it and drops the result.
@inline(__always)
private func denseRegisterTile(
    weights: UnsafePointer<Float>, input: UnsafePointer<Float>, inFeatures n: Int, rows: Int, row: Int,
    features: Range<Int>, accumulate: Bool, scratch: UnsafeMutablePointer<Float>, rowStride: Int
) {
    typealias V = SIMD16<Float>
    let x0 = input + row &* n, x1 = input + min(row &+ 1, rows &- 1) &* n, x2 = input + min(row &+ 2, rows &- 1) &* n
    let x3 = input + min(row &+ 3, rows &- 1) &* n, x4 = input + min(row &+ 4, rows &- 1) &* n
    let x5 = input + min(row &+ 5, rows &- 1) &* n
    let w = UnsafeRawPointer(weights), size = MemoryLayout<Float>.stride
    var a0 = V(), a1 = V(), a2 = V(), a3 = V(), b0 = V(), b1 = V(), b2 = V(), b3 = V()
    var c0 = V(), c1 = V(), c2 = V(), c3 = V(), d0 = V(), d1 = V(), d2 = V(), d3 = V()
    var e0 = V(), e1 = V(), e2 = V(), e3 = V(), f0 = V(), f1 = V(), f2 = V(), f3 = V()
    for i in features {
        let offset = i &* 64 &* size
        let w0 = w.loadUnaligned(fromByteOffset: offset, as: V.self), w1 = w.loadUnaligned(fromByteOffset: offset &+ 64, as: V.self)
        let w2 = w.loadUnaligned(fromByteOffset: offset &+ 128, as: V.self), w3 = w.loadUnaligned(fromByteOffset: offset &+ 192, as: V.self)
        var s = V(repeating: x0[i]); a0.addProduct(s, w0); a1.addProduct(s, w1); a2.addProduct(s, w2); a3.addProduct(s, w3)
        s = V(repeating: x1[i]); b0.addProduct(s, w0); b1.addProduct(s, w1); b2.addProduct(s, w2); b3.addProduct(s, w3)
        s = V(repeating: x2[i]); c0.addProduct(s, w0); c1.addProduct(s, w1); c2.addProduct(s, w2); c3.addProduct(s, w3)
        s = V(repeating: x3[i]); d0.addProduct(s, w0); d1.addProduct(s, w1); d2.addProduct(s, w2); d3.addProduct(s, w3)
        s = V(repeating: x4[i]); e0.addProduct(s, w0); e1.addProduct(s, w1); e2.addProduct(s, w2); e3.addProduct(s, w3)
        s = V(repeating: x5[i]); f0.addProduct(s, w0); f1.addProduct(s, w1); f2.addProduct(s, w2); f3.addProduct(s, w3)
    }
    @inline(__always) func store(_ r: Int, _ v0: V, _ v1: V, _ v2: V, _ v3: V) {
        guard row &+ r < rows else { return }
        let target = UnsafeMutableRawPointer(scratch + (row &+ r) &* rowStride)
        if accumulate {
            target.storeBytes(of: target.loadUnaligned(as: V.self) + v0, as: V.self)
            target.storeBytes(of: target.loadUnaligned(fromByteOffset: 64, as: V.self) + v1, toByteOffset: 64, as: V.self)
            target.storeBytes(of: target.loadUnaligned(fromByteOffset: 128, as: V.self) + v2, toByteOffset: 128, as: V.self)
            target.storeBytes(of: target.loadUnaligned(fromByteOffset: 192, as: V.self) + v3, toByteOffset: 192, as: V.self)
        } else {
            target.storeBytes(of: v0, as: V.self)
            target.storeBytes(of: v1, toByteOffset: 64, as: V.self)
            target.storeBytes(of: v2, toByteOffset: 128, as: V.self)
            target.storeBytes(of: v3, toByteOffset: 192, as: V.self)
        }
    }
    store(0, a0, a1, a2, a3)
    store(1, b0, b1, b2, b3)
    store(2, c0, c1, c2, c3)
    store(3, d0, d1, d2, d3)
    store(4, e0, e1, e2, e3)
    store(5, f0, f1, f2, f3)
}
