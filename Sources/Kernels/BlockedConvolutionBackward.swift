import KernelInterface

/// Backward convolution with the blocked kernels instead of im2col + GEMM.
///
/// dInput is itself a convolution: of dOutput, zero-padded by `k−1−p`, with the weights flipped
/// and their in/out channels swapped — so `blockedConvolution` computes it. dWeight correlates
/// dOutput with the padded input over the same flattened domain as the forward kernel.

extension Kernels {
    /// Packs the flipped, channel-swapped weights of `inputGradientGeometry(g)` in `blockedConvolution`'s
    /// `[Cout·k·k, Cin]` order: `packed[(o·k + ki)·k + kj][c] = W[o, c, k−1−ki, k−1−kj]`.
    public static func packInputGradientWeights(
        _ g: ConvolutionGeometry, parameters: UnsafePointer<Float>, into packed: UnsafeMutablePointer<Float>
    ) {
        let k = g.kernel
        let cin = g.inChannels
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
    /// row; `padded` is the zero-padded input as the forward kernel leaves it. Blocks of
    /// `WeightGradientTile.channels` output channels × 3 taps keep their vector sums in registers
    /// (8 × 3 on AVX-512, 4 × 3 with 16 registers), and the input is streamed once per block.
    public static func blockedWeightGradient(
        _ g: ConvolutionGeometry, layout: BlockedLayout, outputGradient: UnsafePointer<Float>, padded: UnsafePointer<Float>,
        gradients: UnsafeMutablePointer<Float>
    ) {
        typealias Tile = WeightGradientTile
        typealias V = Tile.Vector
        let k = g.kernel
        let pw = layout.rowStride
        let ph = g.inHeight &+ 2 &* g.padding
        let taps = g.patchSize
        let size = MemoryLayout<Float>.stride
        let length = (g.outHeight &* pw &+ V.scalarCount &- 1) / V.scalarCount * V.scalarCount
        let dy = UnsafeRawPointer(outputGradient)
        let x = UnsafeRawPointer(padded)
        /// Byte offset of tap `t` in the padded input (a tap past the end reads tap 0 and is discarded).
        func offset(_ t: Int) -> Int {
            let tap = t < taps ? t : 0
            let c = tap / (k &* k)
            let ki = tap / k % k
            let kj = tap % k
            return (c &* ph &* pw &+ ki &* pw &+ kj) &* size
        }
        let plane = layout.planeStride &* size
        for group in stride(from: 0, to: g.outChannels, by: Tile.channels) {
            let d0 = group &* plane
            for t in stride(from: 0, to: taps, by: 3) {
                let x0 = offset(t)
                let x1 = offset(t &+ 1)
                let x2 = offset(t &+ 2)
                var tile = Tile()
                var q = 0
                while q < length {
                    let byte = q &* size
                    tile.add(
                        dOutput: dy, byteOffset: d0 &+ byte, channelStride: plane,
                        x.loadUnaligned(fromByteOffset: x0 &+ byte, as: V.self),
                        x.loadUnaligned(fromByteOffset: x1 &+ byte, as: V.self),
                        x.loadUnaligned(fromByteOffset: x2 &+ byte, as: V.self))
                    q &+= V.scalarCount
                }
                tile.addSums(to: gradients + (g.weight &+ group &* taps &+ t), channelStride: taps, limit: taps &- t)
            }
        }
    }

    /// Copies a dense `[C, OH, OW]` gradient into the flattened layout `blockedWeightGradient` reads,
    /// zeroing the columns past `OW` and the tail of each plane.
    public static func spreadGradient(
        _ g: ConvolutionGeometry, layout: BlockedLayout, dense: UnsafePointer<Float>, into spread: UnsafeMutablePointer<Float>
    ) {
        spread.update(repeating: 0, count: layout.outputCount)
        for o in 0..<g.outChannels {
            for i in 0..<g.outHeight {
                let target = spread + (o &* layout.planeStride &+ i &* layout.rowStride)
                target.update(from: dense + (o &* g.outHeight &+ i) &* g.outWidth, count: g.outWidth)
            }
        }
    }
}
