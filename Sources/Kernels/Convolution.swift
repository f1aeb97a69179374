import KernelInterface

/// Convolution (PyTorch's cross-correlation, stride 1, zero padding) for one image, NCHW.

extension Kernels {
    /// Unfolds `input` (`[Cin, H, W]`) into `columns` (`[Cin·k·k, OH·OW]`): row `(c·k + ki)·k + kj`
    /// holds `input[c, oi + ki − p, oj + kj − p]` for every output pixel, zero outside the image.
    static func im2col(_ g: ConvolutionGeometry, input: UnsafePointer<Float>, columns: UnsafeMutablePointer<Float>) {
        let k = g.kernel
        let p = g.padding
        let ow = g.outWidth
        let plane = g.outPlane
        for c in 0..<g.inChannels {
            let channel = input + c * g.inHeight * g.inWidth
            for ki in 0..<k {
                for kj in 0..<k {
                    let row = columns + ((c * k + ki) * k + kj) * plane
                    // Output columns whose input column oj + kj − p lies inside the image.
                    let first = max(0, p - kj)
                    let end = min(ow, g.inWidth + p - kj)
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
    static func col2im(_ g: ConvolutionGeometry, columns: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>) {
        let k = g.kernel
        let p = g.padding
        let ow = g.outWidth
        let plane = g.outPlane
        gradient.update(repeating: 0, count: g.inCount)
        for c in 0..<g.inChannels {
            let channel = gradient + c * g.inHeight * g.inWidth
            for ki in 0..<k {
                for kj in 0..<k {
                    let row = columns + ((c * k + ki) * k + kj) * plane
                    let first = max(0, p - kj)
                    let end = min(ow, g.inWidth + p - kj)
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

    /// Forward convolution of one image as the product `W[Cout, K] · im2col[K, OH·OW]`:
    /// `output` (`[Cout, OH, OW]`) = W ⋆ input, then the epilogue. Serves the layers the blocked
    /// and Winograd kernels do not (digitsum's 1×1 head with 11 outputs).
    public static func convolutionForward(
        _ g: ConvolutionGeometry, epilogue: ConvolutionEpilogue, parameters: UnsafePointer<Float>,
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>
    ) {
        im2col(g, input: input, columns: scratch)
        tiledProduct(
            m: g.outChannels, n: g.outPlane, k: g.patchSize, a: parameters + g.weight, aRowStride: g.patchSize,
            aDepthStride: 1, b: scratch, c: output, accumulate: false)
        switch epilogue {
        case .none: break
        case .bias: addBias(parameters + g.bias, to: output, channels: g.outChannels, plane: g.outPlane, relu: false)
        case .biasRelu: addBias(parameters + g.bias, to: output, channels: g.outChannels, plane: g.outPlane, relu: true)
        }
    }

    /// `output[c, i] = (relu ? max(0, ·) : ·)(output[c, i] + bias[c])`.
    static func addBias(_ bias: UnsafePointer<Float>, to output: UnsafeMutablePointer<Float>, channels: Int, plane: Int, relu: Bool) {
        for c in 0..<channels {
            let b = bias[c]
            let row = output + c * plane
            if relu {
                for i in 0..<plane { row[i] = max(row[i] + b, 0) }
            } else {
                for i in 0..<plane { row[i] += b }
            }
        }
    }

    /// Adds Σ dOutput over each channel's plane to the bias gradient (`gradients + g.bias`).
    /// `outputGradient` (`[Cout, OH·OW]`) must already include the ReLU mask.
    public static func convolutionBiasGradient(
        _ g: ConvolutionGeometry, outputGradient: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>
    ) {
        for o in 0..<g.outChannels {
            gradients[g.bias + o] += vectorSum(outputGradient + o * g.outPlane, count: g.outPlane)
        }
    }

    /// Accumulates dW += dOutput · im2col(input)ᵀ (`[Cout, K]` at `gradients + g.weight`).
    /// `columns` holds `2·K·OH·OW` floats: im2col, then its transpose (the product's right side).
    public static func convolutionWeightGradient(
        _ g: ConvolutionGeometry, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        gradients: UnsafeMutablePointer<Float>, columns: UnsafeMutablePointer<Float>
    ) {
        let taps = g.patchSize
        let plane = g.outPlane
        let transposed = columns + taps * plane
        im2col(g, input: input, columns: columns)
        for t in 0..<taps {
            for q in 0..<plane { transposed[q &* taps &+ t] = columns[t &* plane &+ q] }
        }
        tiledProduct(
            m: g.outChannels, n: taps, k: plane, a: outputGradient, aRowStride: plane, aDepthStride: 1,
            b: transposed, c: gradients + g.weight, accumulate: true)
    }

    /// Overwrites `inputGradient` with dInput = col2im(Wᵀ · dOutput).
    /// `columns` holds `K·OH·OW` floats.
    public static func convolutionInputGradient(
        _ g: ConvolutionGeometry, parameters: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>, columns: UnsafeMutablePointer<Float>
    ) {
        tiledProduct(
            m: g.patchSize, n: g.outPlane, k: g.outChannels, a: parameters + g.weight, aRowStride: 1,
            aDepthStride: g.patchSize, b: outputGradient, c: columns, accumulate: false)
        col2im(g, columns: columns, gradient: inputGradient)
    }
}
