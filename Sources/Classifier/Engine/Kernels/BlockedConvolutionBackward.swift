/// Backward convolution with the blocked kernels instead of im2col + GEMM.
///
/// dInput is itself a convolution: of dOutput, zero-padded by `k−1−p`, with the weights flipped
/// and their in/out channels swapped — so `blockedConvolution` computes it. dWeight correlates
/// dOutput with the padded input over the same flattened domain as the forward kernel.

/// The convolution whose output is dInput: `Cout → Cin` channels over the `OH×OW` gradient.
func inputGradientGeometry(_ g: ConvolutionGeometry) -> ConvolutionGeometry {
    ConvolutionGeometry(inChannels: g.outChannels, outChannels: g.inChannels, kernel: g.kernel, padding: g.kernel - 1 - g.padding,
                        inHeight: g.outHeight, inWidth: g.outWidth, outHeight: g.inHeight, outWidth: g.inWidth, weight: 0, bias: 0)
}

/// Whether `blockedWeightGradient` handles this layer (it needs groups of 4 output channels).
func blockedWeightGradientApplies(_ g: ConvolutionGeometry) -> Bool { g.outChannels % 4 == 0 }

/// Whether dInput can be computed by `blockedConvolution` (8-channel groups, padding ≤ k − 1).
func blockedInputGradientApplies(_ g: ConvolutionGeometry) -> Bool { g.inChannels % 8 == 0 && g.padding <= g.kernel - 1 }

/// Packs the flipped, channel-swapped weights of `inputGradientGeometry(g)` in `blockedConvolution`'s
/// `[Cout·k·k, Cin]` order: `packed[(o·k + ki)·k + kj][c] = W[o, c, k−1−ki, k−1−kj]`.
func packInputGradientWeights(_ g: ConvolutionGeometry, parameters: UnsafePointer<Float>, into packed: UnsafeMutablePointer<Float>) {
    let k = g.kernel, cin = g.inChannels
    for o in 0..<g.outChannels {
        for c in 0..<cin {
            for ki in 0..<k {
                for kj in 0..<k {
                    let source = ((o * cin + c) * k + (k - 1 - ki)) * k + (k - 1 - kj)
                    packed[((o * k + ki) * k + kj) * cin + c] = parameters[g.weight + source]
                }
            }
        }
    }
}

/// Accumulates dW (`[Cout, Cin, k, k]` at `gradients + g.weight`) for one image.
///
/// `outputGradient` is dOutput in the forward kernel's flattened layout (`layout.rowStride` per
/// row, `layout.planeStride` per channel) with zeros in the columns past `OW` and after the last
/// row; `padded` is the zero-padded input as the forward kernel leaves it. Blocks of 4 output
/// channels × 4 taps keep 16 vector sums in registers.
func blockedWeightGradient(
    _ g: ConvolutionGeometry, layout: BlockedLayout, outputGradient: UnsafePointer<Float>, padded: UnsafePointer<Float>,
    gradients: UnsafeMutablePointer<Float>
) {
    typealias V = SIMD16<Float>
    let k = g.kernel, pw = layout.rowStride, ph = g.inHeight &+ 2 &* g.padding, taps = g.patchSize
    let size = MemoryLayout<Float>.stride
    let length = (g.outHeight &* pw &+ 15) / 16 * 16
    let dy = UnsafeRawPointer(outputGradient), x = UnsafeRawPointer(padded)
    /// Byte offset of tap `t` in the padded input (a tap past the end reads tap 0 and is discarded).
    func offset(_ t: Int) -> Int {
        let tap = t < taps ? t : 0
        let c = tap / (k &* k), ki = tap / k % k, kj = tap % k
        return (c &* ph &* pw &+ ki &* pw &+ kj) &* size
    }
    for group in stride(from: 0, to: g.outChannels, by: 4) {
        let d0 = (group &* layout.planeStride) &* size, plane = layout.planeStride &* size
        for t in stride(from: 0, to: taps, by: 4) {
            let x0 = offset(t), x1 = offset(t &+ 1), x2 = offset(t &+ 2), x3 = offset(t &+ 3)
            var s00 = V(), s01 = V(), s02 = V(), s03 = V(), s10 = V(), s11 = V(), s12 = V(), s13 = V()
            var s20 = V(), s21 = V(), s22 = V(), s23 = V(), s30 = V(), s31 = V(), s32 = V(), s33 = V()
            var q = 0
            while q < length {
                let byte = q &* size
                let i0 = x.loadUnaligned(fromByteOffset: x0 &+ byte, as: V.self)
                let i1 = x.loadUnaligned(fromByteOffset: x1 &+ byte, as: V.self)
                let i2 = x.loadUnaligned(fromByteOffset: x2 &+ byte, as: V.self)
                let i3 = x.loadUnaligned(fromByteOffset: x3 &+ byte, as: V.self)
                var d = dy.loadUnaligned(fromByteOffset: d0 &+ byte, as: V.self)
                s00.addProduct(d, i0); s01.addProduct(d, i1); s02.addProduct(d, i2); s03.addProduct(d, i3)
                d = dy.loadUnaligned(fromByteOffset: d0 &+ plane &+ byte, as: V.self)
                s10.addProduct(d, i0); s11.addProduct(d, i1); s12.addProduct(d, i2); s13.addProduct(d, i3)
                d = dy.loadUnaligned(fromByteOffset: d0 &+ 2 &* plane &+ byte, as: V.self)
                s20.addProduct(d, i0); s21.addProduct(d, i1); s22.addProduct(d, i2); s23.addProduct(d, i3)
                d = dy.loadUnaligned(fromByteOffset: d0 &+ 3 &* plane &+ byte, as: V.self)
                s30.addProduct(d, i0); s31.addProduct(d, i1); s32.addProduct(d, i2); s33.addProduct(d, i3)
                q &+= 16
            }
            add(horizontalSum(s00), horizontalSum(s01), horizontalSum(s02), horizontalSum(s03), to: gradients + (g.weight &+ group &* taps &+ t), limit: taps &- t)
            add(horizontalSum(s10), horizontalSum(s11), horizontalSum(s12), horizontalSum(s13), to: gradients + (g.weight &+ (group &+ 1) &* taps &+ t), limit: taps &- t)
            add(horizontalSum(s20), horizontalSum(s21), horizontalSum(s22), horizontalSum(s23), to: gradients + (g.weight &+ (group &+ 2) &* taps &+ t), limit: taps &- t)
            add(horizontalSum(s30), horizontalSum(s31), horizontalSum(s32), horizontalSum(s33), to: gradients + (g.weight &+ (group &+ 3) &* taps &+ t), limit: taps &- t)
        }
    }
}

/// Adds up to four values to consecutive floats, stopping after `limit`.
@inline(__always)
private func add(_ a: Float, _ b: Float, _ c: Float, _ d: Float, to target: UnsafeMutablePointer<Float>, limit: Int) {
    target[0] += a
    if limit > 1 { target[1] += b }
    if limit > 2 { target[2] += c }
    if limit > 3 { target[3] += d }
}

/// Copies a dense `[C, OH, OW]` gradient into the flattened layout `blockedWeightGradient` reads,
/// zeroing the columns past `OW` and the tail of each plane.
func spreadGradient(_ g: ConvolutionGeometry, layout: BlockedLayout, dense: UnsafePointer<Float>, into spread: UnsafeMutablePointer<Float>) {
    spread.update(repeating: 0, count: layout.outputCount)
    for o in 0..<g.outChannels {
        for i in 0..<g.outHeight {
            let target = spread + (o &* layout.planeStride &+ i &* layout.rowStride)
            target.update(from: dense + (o &* g.outHeight &+ i) &* g.outWidth, count: g.outWidth)
        }
    }
}
