import KernelInterface

/// Direct convolution computed in registers, one `ConvolutionTile` (output channels × pixels) at a time.
///
/// The zero-padded input plane is read as one long row: output position `q = i·PW + j` (PW the
/// padded width) needs input `q + ki·PW + kj` for every tap, so each tap is one contiguous vector
/// load for a tile's outputs, whatever the image width. Columns `j ≥ OW` of each row come out as
/// garbage and are skipped by the pooling pass that reads this output (`PooledInput`).
/// No im2col matrix and no BLAS packing: for the seed's layers this beats im2col + sgemm.

extension Kernels {
    /// Writes the weights reordered from `[Cout, Cin, k, k]` to `[Cin·k·k, Cout]` into `packed`, so the
    /// eight weights of one tap for eight consecutive output channels share a cache line.
    public static func packConvolutionWeights(
        _ g: ConvolutionGeometry, parameters: UnsafePointer<Float>, into packed: UnsafeMutablePointer<Float>
    ) {
        let taps = g.patchSize
        for o in 0..<g.outChannels {
            for t in 0..<taps { packed[t * g.outChannels + o] = parameters[g.weight + o * taps + t] }
        }
    }

    /// Copies a blocked convolution's raw output into a dense `[Cout, OH, OW]` image, adding the bias
    /// (if any) and applying ReLU if asked (training keeps dense outputs and gradients).
    public static func unpackBlocked(
        _ g: ConvolutionGeometry, layout: BlockedLayout, raw: UnsafePointer<Float>, bias: UnsafePointer<Float>?, relu: Bool,
        output: UnsafeMutablePointer<Float>
    ) {
        let ow = g.outWidth
        for o in 0..<g.outChannels {
            let b = bias?[o] ?? 0
            for i in 0..<g.outHeight {
                let source = raw + (o &* layout.planeStride &+ i &* layout.rowStride)
                let target = output + (o &* g.outHeight &+ i) &* ow
                if relu {
                    for j in 0..<ow { target[j] = max(source[j] + b, 0) }
                } else {
                    for j in 0..<ow { target[j] = source[j] + b }
                }
            }
        }
    }

    /// Copies `input` (`[Cin, H, W]`) into zero-padded planes of `layout.rowStride` columns, with
    /// zero slack after them for the blocked kernels' overreach. Only the borders and the slack are
    /// zeroed; the interior is overwritten.
    public static func padInput(
        _ g: ConvolutionGeometry, layout: BlockedLayout, input: UnsafePointer<Float>, padded: UnsafeMutablePointer<Float>
    ) {
        let p = g.padding
        let pw = layout.rowStride
        let planeIn = (g.inHeight &+ 2 &* p) &* pw
        for c in 0..<g.inChannels {
            let plane = padded + c &* planeIn
            plane.update(repeating: 0, count: p &* pw)  // top rows
            for i in 0..<g.inHeight {
                let row = plane + (i &+ p) &* pw
                row.update(repeating: 0, count: p)
                (row + p).update(from: input + (c &* g.inHeight &+ i) &* g.inWidth, count: g.inWidth)
                (row + (p &+ g.inWidth)).update(repeating: 0, count: pw &- p &- g.inWidth)
            }
            (plane + (g.inHeight &+ p) &* pw).update(repeating: 0, count: p &* pw)  // bottom rows
        }
        let used = g.inChannels &* planeIn
        (padded + used).update(repeating: 0, count: layout.paddedCount &- used)
    }

    /// Raw convolution (no bias) of one image into `output` laid out as `layout`: for each group
    /// of output channels, `ConvolutionTile`s across the positions, then `ConvolutionTailTile`s up
    /// to the end of the plane's positions.
    public static func blockedConvolution(
        _ g: ConvolutionGeometry, layout: BlockedLayout, packedWeights: UnsafePointer<Float>,
        input: UnsafePointer<Float>, padded: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>
    ) {
        padInput(g, layout: layout, input: input, padded: padded)
        let raw = UnsafeRawPointer(padded)
        let out = UnsafeMutableRawPointer(output)
        let tail = ConvolutionTailTile.width
        let end = (g.outHeight &* layout.rowStride &+ tail &- 1) / tail &* tail  // within the plane stride
        let mainEnd = end / ConvolutionTile.width &* ConvolutionTile.width
        for group in stride(from: 0, to: g.outChannels, by: ConvolutionTile.channels) {
            for q in stride(from: 0, to: mainEnd, by: ConvolutionTile.width) {
                blockedTile(
                    ConvolutionTile.self, g, layout: layout, group: group, position: q, packedWeights: packedWeights,
                    padded: raw, output: out)
            }
        }
        // The tail tile may group more channels than the main one (AVX2: 8 against 4).
        for group in stride(from: 0, to: g.outChannels, by: ConvolutionTailTile.channels) {
            for q in stride(from: mainEnd, to: end, by: tail) {
                blockedTile(
                    ConvolutionTailTile.self, g, layout: layout, group: group, position: q, packedWeights: packedWeights,
                    padded: raw, output: out)
            }
        }
    }

    /// One register tile of `blockedConvolution`: channels `group…` × positions `q…`, over every tap.
    @inline(__always)
    private static func blockedTile<Tile: ConvolutionRegisterTile>(
        _: Tile.Type, _ g: ConvolutionGeometry, layout: BlockedLayout, group: Int, position q: Int,
        packedWeights: UnsafePointer<Float>, padded: UnsafeRawPointer, output: UnsafeMutableRawPointer
    ) {
        let k = g.kernel
        let pw = layout.rowStride
        let planeIn = (g.inHeight &+ 2 &* g.padding) &* pw
        let cout = g.outChannels
        let size = MemoryLayout<Float>.stride
        var tile = Tile()
        var tap = 0
        for c in 0..<g.inChannels {
            for ki in 0..<k {
                let rowOffset = (c &* planeIn &+ ki &* pw &+ q) &* size
                for kj in 0..<k {
                    tile.add(weights: packedWeights + (tap &* cout &+ group), positions: padded, byteOffset: rowOffset &+ kj &* size)
                    tap &+= 1
                }
            }
        }
        tile.store(to: output, byteOffset: (group &* layout.planeStride &+ q) &* size, channelStride: layout.planeStride &* size)
    }
}
