/// Convolution (PyTorch's cross-correlation, stride 1, zero padding) for one image, NCHW.

/// Unfolds `input` (`[Cin, H, W]`) into `columns` (`[Cin·k·k, OH·OW]`): row `(c·k + ki)·k + kj`
/// holds `input[c, oi + ki − p, oj + kj − p]` for every output pixel, zero outside the image.
func im2col(_ g: ConvolutionGeometry, input: UnsafePointer<Float>, columns: UnsafeMutablePointer<Float>) {
    let k = g.kernel, p = g.padding, ow = g.outWidth, plane = g.outPlane
    for c in 0..<g.inChannels {
        let channel = input + c * g.inHeight * g.inWidth
        for ki in 0..<k {
            for kj in 0..<k {
                let row = columns + ((c * k + ki) * k + kj) * plane
                // Output columns whose input column oj + kj − p lies inside the image.
                let first = max(0, p - kj), end = min(ow, g.inWidth + p - kj)
                for oi in 0..<g.outHeight {
                    let out = row + oi * ow
                    let ii = oi + ki - p
                    guard ii >= 0, ii < g.inHeight, first < end else {
                        out.update(repeating: 0, count: ow)
                        continue
                    }
                    if first > 0 { out.update(repeating: 0, count: first) }
                    out.advanced(by: first).update(from: channel + ii * g.inWidth + first + kj - p, count: end - first)
                    if end < ow { out.advanced(by: end).update(repeating: 0, count: ow - end) }
                }
            }
        }
    }
}

/// Folds `columns` (`[Cin·k·k, OH·OW]`) back onto `input`-shaped `gradient`, summing the
/// overlapping contributions (the adjoint of `im2col`). `gradient` is overwritten.
func col2im(_ g: ConvolutionGeometry, columns: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>) {
    let k = g.kernel, p = g.padding, ow = g.outWidth, plane = g.outPlane
    gradient.update(repeating: 0, count: g.inCount)
    for c in 0..<g.inChannels {
        let channel = gradient + c * g.inHeight * g.inWidth
        for ki in 0..<k {
            for kj in 0..<k {
                let row = columns + ((c * k + ki) * k + kj) * plane
                let first = max(0, p - kj), end = min(ow, g.inWidth + p - kj)
                guard first < end else { continue }
                for oi in 0..<g.outHeight {
                    let ii = oi + ki - p
                    guard ii >= 0, ii < g.inHeight else { continue }
                    let src = row + oi * ow
                    let dst = channel + ii * g.inWidth + kj - p
                    for oj in first..<end { dst[oj] += src[oj] }
                }
            }
        }
    }
}

/// What a convolution adds to its raw output: the bias, and ReLU after it.
enum ConvolutionEpilogue {
    /// Raw `W ⋆ input`: the caller adds the bias later (e.g. after max-pooling, which commutes with it).
    case none
    case bias
    case biasRelu
}

/// Forward convolution of one image: `output` (`[Cout, OH, OW]`) = W ⋆ input, then the epilogue.
///
/// One-channel 3×3 (the seed's first layer: K = 9 makes a poor GEMM) is computed directly,
/// vectorised along rows; everything else as an OpenBLAS GEMM `W[Cout, K] · im2col[K, OH·OW]`.
func convolutionForward(
    _ g: ConvolutionGeometry, epilogue: ConvolutionEpilogue, parameters: UnsafePointer<Float>,
    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>
) {
    if g.inChannels == 1 && g.kernel == 3 && g.outWidth >= 16 {
        directConvolution3x3(g, epilogue: epilogue, parameters: parameters, input: input, output: output, padded: scratch)
        return
    }
    im2col(g, input: input, columns: scratch)
    gemm(transposeA: false, transposeB: false, m: g.outChannels, n: g.outPlane, k: g.patchSize,
         a: parameters + g.weight, lda: g.patchSize, b: scratch, ldb: g.outPlane, beta: 0, c: output, ldc: g.outPlane)
    switch epilogue {
    case .none: break
    case .bias: addBias(parameters + g.bias, to: output, channels: g.outChannels, plane: g.outPlane, relu: false)
    case .biasRelu: addBias(parameters + g.bias, to: output, channels: g.outChannels, plane: g.outPlane, relu: true)
    }
}

/// `output[c, i] = (relu ? max(0, ·) : ·)(output[c, i] + bias[c])`.
func addBias(_ bias: UnsafePointer<Float>, to output: UnsafeMutablePointer<Float>, channels: Int, plane: Int, relu: Bool) {
    for c in 0..<channels {
        let b = bias[c], row = output + c * plane
        if relu {
            for i in 0..<plane { row[i] = max(row[i] + b, 0) }
        } else {
            for i in 0..<plane { row[i] += b }
        }
    }
}

/// Direct 3×3 convolution of a one-channel image (outputs at least 16 wide): copies the input into
/// a zero-padded plane, then computes each output row 16 columns at a time in registers with the
/// nine weights held in broadcast registers (the last block overlaps the one before it,
/// recomputing a few identical values, so there is no scalar tail).
private func directConvolution3x3(
    _ g: ConvolutionGeometry, epilogue: ConvolutionEpilogue, parameters: UnsafePointer<Float>,
    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, padded: UnsafeMutablePointer<Float>
) {
    typealias Vector = SIMD16<Float>
    let p = g.padding, ow = g.outWidth, oh = g.outHeight
    let ph = g.inHeight &+ 2 &* p, pw = g.inWidth &+ 2 &* p
    padded.update(repeating: 0, count: ph &* pw)
    for i in 0..<g.inHeight {
        let target = padded + ((i &+ p) &* pw &+ p)
        target.update(from: input + i &* g.inWidth, count: g.inWidth)
    }
    let raw = UnsafeRawPointer(padded), stride = MemoryLayout<Float>.stride
    for o in 0..<g.outChannels {
        let w = parameters + (g.weight &+ o &* 9)
        let w0 = Vector(repeating: w[0]), w1 = Vector(repeating: w[1]), w2 = Vector(repeating: w[2])
        let w3 = Vector(repeating: w[3]), w4 = Vector(repeating: w[4]), w5 = Vector(repeating: w[5])
        let w6 = Vector(repeating: w[6]), w7 = Vector(repeating: w[7]), w8 = Vector(repeating: w[8])
        let bias = Vector(repeating: epilogue == .none ? 0 : parameters[g.bias &+ o])
        let plane = UnsafeMutableRawPointer(output + (o &* oh &* ow))
        for oi in 0..<oh {
            let r0 = raw + (oi &* pw &* stride), r1 = r0 + (pw &* stride), r2 = r1 + (pw &* stride)
            let out = plane + (oi &* ow &* stride)
            var column = 0
            while column < ow {
                let x = min(column, ow &- Vector.scalarCount) &* stride
                var sum = bias
                sum.addProduct(w0, r0.loadUnaligned(fromByteOffset: x, as: Vector.self))
                sum.addProduct(w1, r0.loadUnaligned(fromByteOffset: x &+ stride, as: Vector.self))
                sum.addProduct(w2, r0.loadUnaligned(fromByteOffset: x &+ 2 &* stride, as: Vector.self))
                sum.addProduct(w3, r1.loadUnaligned(fromByteOffset: x, as: Vector.self))
                sum.addProduct(w4, r1.loadUnaligned(fromByteOffset: x &+ stride, as: Vector.self))
                sum.addProduct(w5, r1.loadUnaligned(fromByteOffset: x &+ 2 &* stride, as: Vector.self))
                sum.addProduct(w6, r2.loadUnaligned(fromByteOffset: x, as: Vector.self))
                sum.addProduct(w7, r2.loadUnaligned(fromByteOffset: x &+ stride, as: Vector.self))
                sum.addProduct(w8, r2.loadUnaligned(fromByteOffset: x &+ 2 &* stride, as: Vector.self))
                if epilogue == .biasRelu { sum.replace(with: 0, where: sum .< 0) }
                out.storeBytes(of: sum, toByteOffset: x, as: Vector.self)
                column = x / stride &+ Vector.scalarCount
            }
        }
    }
}

/// Backward convolution of one image. `outputGradient` (`[Cout, OH·OW]`) must already include the
/// ReLU mask. Accumulates into the weight and bias gradients in `gradients` (arena layout) and, if
/// `inputGradient` is given, overwrites it with dLoss/dInput. `columns` holds `K·OH·OW` floats.
func convolutionBackward(
    _ g: ConvolutionGeometry, parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>,
    input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
    inputGradient: UnsafeMutablePointer<Float>?, columns: UnsafeMutablePointer<Float>
) {
    let plane = g.outPlane, patch = g.patchSize
    let biasGradient = gradients + g.bias
    for o in 0..<g.outChannels {
        let row = outputGradient + o * plane
        var sum: Float = 0
        for i in 0..<plane { sum += row[i] }
        biasGradient[o] += sum
    }
    im2col(g, input: input, columns: columns)
    // dW[Cout, K] += dY[Cout, P] · colᵀ[P, K]
    gemm(transposeA: false, transposeB: true, m: g.outChannels, n: patch, k: plane,
         a: outputGradient, lda: plane, b: columns, ldb: plane, beta: 1, c: gradients + g.weight, ldc: patch)
    guard let inputGradient else { return }
    // dcol[K, P] = Wᵀ[K, Cout] · dY[Cout, P]
    gemm(transposeA: true, transposeB: false, m: patch, n: plane, k: g.outChannels,
         a: parameters + g.weight, lda: patch, b: outputGradient, ldb: plane, beta: 0, c: columns, ldc: plane)
    col2im(g, columns: columns, gradient: inputGradient)
}
