import KernelInterface

/// Fully connected forward pass for training, computed in registers: tiles of 4 samples × 4
/// outputs keep 16 vector dot products running, over blocks of 512 input features so the weight
/// block being read (outputs × 2 KB) stays in L2 while every sample of the batch passes over it.
/// The tile is sized for AVX-512's 32 registers (16-float vectors, two per register elsewhere);
/// it is 4% of a training step. Inference packs its weights once and uses the faster
/// `packedDenseForward`.

extension Kernels {
    /// `output[r, o] = Σ_i input[r, i] · W[o, i] + b[o]`, then ReLU if asked.
    public static func blockedDenseForward(
        _ g: DenseGeometry, relu: Bool, parameters: UnsafePointer<Float>,
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, rows: Int
    ) {
        let n = g.inFeatures
        let outs = g.outFeatures
        let vectorEnd = n / 16 * 16
        let block = 512
        output.update(repeating: 0, count: rows * outs)
        for start in stride(from: 0, to: vectorEnd, by: block) {
            let features = start..<min(start + block, vectorEnd)
            for r in stride(from: 0, to: rows, by: 4) {
                for o in stride(from: 0, to: outs, by: 4) {
                    denseTile(g, parameters: parameters, input: input, output: output, rows: rows, row: r, out: o, features: features)
                }
            }
        }
        let weights = parameters + g.weight
        let bias = parameters + g.bias
        for r in 0..<rows {
            let x = input + r * n
            let y = output + r * outs
            for o in 0..<outs {
                var sum = y[o]
                let w = weights + o * n
                for i in vectorEnd..<n { sum += x[i] * w[i] }
                sum += bias[o]
                y[o] = relu ? max(sum, 0) : sum
            }
        }
    }

    /// Adds the dot products of rows `row..<row+4` with weight rows `out..<out+4` over `features`
    /// (a multiple of 16 long) to `output`. Past the last row or output, the tile repeats the last
    /// one and discards those results.
    @inline(__always)
    private static func denseTile(
        _ g: DenseGeometry, parameters: UnsafePointer<Float>, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        rows: Int, row: Int, out: Int, features: Range<Int>
    ) {
        typealias V = SIMD16<Float>
        let n = g.inFeatures
        let outs = g.outFeatures
        let size = MemoryLayout<Float>.stride
        let x = UnsafeRawPointer(input)
        let w = UnsafeRawPointer(parameters + g.weight)
        let x0 = row &* n &* size
        let x1 = min(row &+ 1, rows &- 1) &* n &* size
        let x2 = min(row &+ 2, rows &- 1) &* n &* size
        let x3 = min(row &+ 3, rows &- 1) &* n &* size
        let w0 = out &* n &* size
        let w1 = min(out &+ 1, outs &- 1) &* n &* size
        let w2 = min(out &+ 2, outs &- 1) &* n &* size
        let w3 = min(out &+ 3, outs &- 1) &* n &* size
        var s00 = V()
        var s01 = V()
        var s02 = V()
        var s03 = V()
        var s10 = V()
        var s11 = V()
        var s12 = V()
        var s13 = V()
        var s20 = V()
        var s21 = V()
        var s22 = V()
        var s23 = V()
        var s30 = V()
        var s31 = V()
        var s32 = V()
        var s33 = V()
        var i = features.lowerBound
        while i < features.upperBound {
            let byte = i &* size
            let a0 = w.loadUnaligned(fromByteOffset: w0 &+ byte, as: V.self)
            let a1 = w.loadUnaligned(fromByteOffset: w1 &+ byte, as: V.self)
            let a2 = w.loadUnaligned(fromByteOffset: w2 &+ byte, as: V.self)
            let a3 = w.loadUnaligned(fromByteOffset: w3 &+ byte, as: V.self)
            var v = x.loadUnaligned(fromByteOffset: x0 &+ byte, as: V.self)
            s00.multiplyAdd(v, a0)
            s01.multiplyAdd(v, a1)
            s02.multiplyAdd(v, a2)
            s03.multiplyAdd(v, a3)
            v = x.loadUnaligned(fromByteOffset: x1 &+ byte, as: V.self)
            s10.multiplyAdd(v, a0)
            s11.multiplyAdd(v, a1)
            s12.multiplyAdd(v, a2)
            s13.multiplyAdd(v, a3)
            v = x.loadUnaligned(fromByteOffset: x2 &+ byte, as: V.self)
            s20.multiplyAdd(v, a0)
            s21.multiplyAdd(v, a1)
            s22.multiplyAdd(v, a2)
            s23.multiplyAdd(v, a3)
            v = x.loadUnaligned(fromByteOffset: x3 &+ byte, as: V.self)
            s30.multiplyAdd(v, a0)
            s31.multiplyAdd(v, a1)
            s32.multiplyAdd(v, a2)
            s33.multiplyAdd(v, a3)
            i &+= 16
        }
        @inline(__always) func add(_ r: Int, _ a: V, _ b: V, _ c: V, _ d: V) {
            guard row &+ r < rows else { return }
            let y = output + ((row &+ r) &* outs &+ out)
            y[0] += horizontalSum(a)
            if out &+ 1 < outs { y[1] += horizontalSum(b) }
            if out &+ 2 < outs { y[2] += horizontalSum(c) }
            if out &+ 3 < outs { y[3] += horizontalSum(d) }
        }
        add(0, s00, s01, s02, s03)
        add(1, s10, s11, s12, s13)
        add(2, s20, s21, s22, s23)
        add(3, s30, s31, s32, s33)
    }
}
