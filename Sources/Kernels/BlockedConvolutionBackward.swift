import KernelInterface

/// Backward convolution with the blocked kernels instead of im2col + GEMM.
///
/// dInput is itself a convolution: of dOutput, zero-padded by `k−1−p`, with the weights flipped
/// and their in/out channels swapped — so `blockedConvolution` computes it. dWeight correlates
/// dOutput with the padded input over the same flattened domain as the forward kernel.

extension Kernels {
    /// Packs the flipped, channel-swapped weights of `inputGradientGeometry(g)` in `blockedConvolution`'s
    /// `[Cout·k·k, Cin]` order: `packed[(o·k + ki)·k + kj][c] = W[o, c, k−1−ki, k−1−kj]`.
    public static func packInputGradientWeights(_ g: ConvolutionGeometry, parameters: UnsafePointer<Float>, into packed: UnsafeMutablePointer<Float>) {
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
    /// row; `padded` is the zero-padded input as the forward kernel leaves it. Blocks of 8 output
    /// channels × 3 taps keep 24 vector sums in registers: 11 loads per 24 FMAs, and the input is
    /// streamed once per 8 output channels.
    public static func blockedWeightGradient(
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
        let plane = layout.planeStride &* size
        for group in stride(from: 0, to: g.outChannels, by: 8) {
            let d0 = group &* plane
            for t in stride(from: 0, to: taps, by: 3) {
                let x0 = offset(t), x1 = offset(t &+ 1), x2 = offset(t &+ 2)
                var s00 = V(), s01 = V(), s02 = V(), s10 = V(), s11 = V(), s12 = V(), s20 = V(), s21 = V(), s22 = V()
                var s30 = V(), s31 = V(), s32 = V(), s40 = V(), s41 = V(), s42 = V(), s50 = V(), s51 = V(), s52 = V()
                var s60 = V(), s61 = V(), s62 = V(), s70 = V(), s71 = V(), s72 = V()
                var q = 0
                while q < length {
                    let byte = q &* size
                    let i0 = x.loadUnaligned(fromByteOffset: x0 &+ byte, as: V.self)
                    let i1 = x.loadUnaligned(fromByteOffset: x1 &+ byte, as: V.self)
                    let i2 = x.loadUnaligned(fromByteOffset: x2 &+ byte, as: V.self)
                    let row = d0 &+ byte
                    var d = dy.loadUnaligned(fromByteOffset: row, as: V.self)
                    s00.multiplyAdd(d, i0); s01.multiplyAdd(d, i1); s02.multiplyAdd(d, i2)
                    d = dy.loadUnaligned(fromByteOffset: row &+ plane, as: V.self)
                    s10.multiplyAdd(d, i0); s11.multiplyAdd(d, i1); s12.multiplyAdd(d, i2)
                    d = dy.loadUnaligned(fromByteOffset: row &+ 2 &* plane, as: V.self)
                    s20.multiplyAdd(d, i0); s21.multiplyAdd(d, i1); s22.multiplyAdd(d, i2)
                    d = dy.loadUnaligned(fromByteOffset: row &+ 3 &* plane, as: V.self)
                    s30.multiplyAdd(d, i0); s31.multiplyAdd(d, i1); s32.multiplyAdd(d, i2)
                    d = dy.loadUnaligned(fromByteOffset: row &+ 4 &* plane, as: V.self)
                    s40.multiplyAdd(d, i0); s41.multiplyAdd(d, i1); s42.multiplyAdd(d, i2)
                    d = dy.loadUnaligned(fromByteOffset: row &+ 5 &* plane, as: V.self)
                    s50.multiplyAdd(d, i0); s51.multiplyAdd(d, i1); s52.multiplyAdd(d, i2)
                    d = dy.loadUnaligned(fromByteOffset: row &+ 6 &* plane, as: V.self)
                    s60.multiplyAdd(d, i0); s61.multiplyAdd(d, i1); s62.multiplyAdd(d, i2)
                    d = dy.loadUnaligned(fromByteOffset: row &+ 7 &* plane, as: V.self)
                    s70.multiplyAdd(d, i0); s71.multiplyAdd(d, i1); s72.multiplyAdd(d, i2)
                    q &+= 16
                }
                let first = gradients + (g.weight &+ group &* taps &+ t), limit = taps &- t
                add(s00, s01, s02, to: first, limit: limit)
                add(s10, s11, s12, to: first + taps, limit: limit)
                add(s20, s21, s22, to: first + 2 &* taps, limit: limit)
                add(s30, s31, s32, to: first + 3 &* taps, limit: limit)
                add(s40, s41, s42, to: first + 4 &* taps, limit: limit)
                add(s50, s51, s52, to: first + 5 &* taps, limit: limit)
                add(s60, s61, s62, to: first + 6 &* taps, limit: limit)
                add(s70, s71, s72, to: first + 7 &* taps, limit: limit)
            }
        }
    }

    /// Adds the lane sums of up to three vectors to consecutive floats, stopping after `limit`.
    @inline(__always)
    private static func add(_ a: SIMD16<Float>, _ b: SIMD16<Float>, _ c: SIMD16<Float>, to target: UnsafeMutablePointer<Float>, limit: Int) {
        target[0] += horizontalSum(a)
        if limit > 1 { target[1] += horizontalSum(b) }
        if limit > 2 { target[2] += horizontalSum(c) }
    }

    /// Copies a dense `[C, OH, OW]` gradient into the flattened layout `blockedWeightGradient` reads,
    /// zeroing the columns past `OW` and the tail of each plane.
    public static func spreadGradient(_ g: ConvolutionGeometry, layout: BlockedLayout, dense: UnsafePointer<Float>, into spread: UnsafeMutablePointer<Float>) {
        spread.update(repeating: 0, count: layout.outputCount)
        for o in 0..<g.outChannels {
            for i in 0..<g.outHeight {
                let target = spread + (o &* layout.planeStride &+ i &* layout.rowStride)
                target.update(from: dense + (o &* g.outHeight &+ i) &* g.outWidth, count: g.outWidth)
            }
        }
    }
}
