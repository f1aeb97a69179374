/// Inference convolution computed directly in registers, 8 output channels × 32 pixels at a time.
///
/// The zero-padded input plane is read as one long row: output position `q = i·PW + j` (PW the
/// padded width) needs input `q + ki·PW + kj` for every tap, so each tap is one contiguous vector
/// load for 32 outputs, whatever the image width. Columns `j ≥ OW` of each row come out as
/// garbage and are skipped by the pooling pass that reads this output (`PooledInput`).
/// No im2col matrix and no BLAS packing: for the seed's layers this beats im2col + sgemm.

/// Writes the weights reordered from `[Cout, Cin, k, k]` to `[Cin·k·k, Cout]` into `packed`, so the
/// eight weights of one tap for eight consecutive output channels share a cache line.
func packConvolutionWeights(_ g: ConvolutionGeometry, parameters: UnsafePointer<Float>, into packed: UnsafeMutablePointer<Float>) {
    let taps = g.patchSize
    for o in 0..<g.outChannels {
        for t in 0..<taps { packed[t * g.outChannels + o] = parameters[g.weight + o * taps + t] }
    }
}

/// Copies a blocked convolution's raw output into a dense `[Cout, OH, OW]` image, adding the bias
/// (if any) and applying ReLU if asked (training keeps dense outputs and gradients).
func unpackBlocked(
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

/// Layout of a blocked convolution's raw output: channel `o`, row `i`, column `j` lives at
/// `o·planeStride + i·rowStride + j`.
struct BlockedLayout: Sendable {
    var rowStride: Int
    var planeStride: Int
    /// Floats of zero-padded input (plus slack for the last block's overreach).
    var paddedCount: Int
    var outputCount: Int

    init(_ g: ConvolutionGeometry) {
        let pw = g.inWidth + 2 * g.padding, ph = g.inHeight + 2 * g.padding
        rowStride = pw
        planeStride = (g.outHeight * pw + 31) / 32 * 32
        paddedCount = g.inChannels * ph * pw + planeStride + g.kernel * pw + 64
        outputCount = g.outChannels * planeStride
    }

    /// The blocked kernel needs whole groups of 8 output channels.
    static func applies(to g: ConvolutionGeometry) -> Bool { g.outChannels % 8 == 0 }
}

/// Copies `input` (`[Cin, H, W]`) into zero-padded planes of `layout.rowStride` columns, with
/// zero slack after them for the blocked kernels' overreach. Only the borders and the slack are
/// zeroed; the interior is overwritten.
func padInput(_ g: ConvolutionGeometry, layout: BlockedLayout, input: UnsafePointer<Float>, padded: UnsafeMutablePointer<Float>) {
    let p = g.padding, pw = layout.rowStride, planeIn = (g.inHeight &+ 2 &* p) &* pw
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

/// Raw convolution (no bias) of one image into `output` laid out as `layout`.
func blockedConvolution(
    _ g: ConvolutionGeometry, layout: BlockedLayout, packedWeights: UnsafePointer<Float>,
    input: UnsafePointer<Float>, padded: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>
) {
    typealias V = SIMD16<Float>
    let k = g.kernel, pw = layout.rowStride, ph = g.inHeight &+ 2 &* g.padding
    let planeIn = ph &* pw, cout = g.outChannels, size = MemoryLayout<Float>.stride
    padInput(g, layout: layout, input: input, padded: padded)
    let raw = UnsafeRawPointer(padded)
    let out = UnsafeMutableRawPointer(output)
    let length = g.outHeight &* pw
    for group in stride(from: 0, to: cout, by: 8) {
        var q = 0
        while q < length {
            var tile = RegisterTile8x32()
            var tap = 0
            for c in 0..<g.inChannels {
                for ki in 0..<k {
                    let rowOffset = (c &* planeIn &+ ki &* pw &+ q) &* size
                    for kj in 0..<k {
                        let offset = rowOffset &+ kj &* size
                        tile.add(weights: packedWeights + (tap &* cout &+ group),
                                 raw.loadUnaligned(fromByteOffset: offset, as: V.self),
                                 raw.loadUnaligned(fromByteOffset: offset &+ 16 &* size, as: V.self))
                        tap &+= 1
                    }
                }
            }
            tile.store(to: out, byteOffset: (group &* layout.planeStride &+ q) &* size, channelStride: layout.planeStride &* size)
            q &+= 32
        }
    }
}

/// Sums for 8 output channels × 32 positions held in 16 registers: the register tile of
/// `blockedConvolution` and of Winograd's products. Each `add` is 8 broadcasts, 16 FMAs.
struct RegisterTile8x32 {
    typealias V = SIMD16<Float>
    private var a0 = V(), a1 = V(), a2 = V(), a3 = V(), a4 = V(), a5 = V(), a6 = V(), a7 = V()
    private var b0 = V(), b1 = V(), b2 = V(), b3 = V(), b4 = V(), b5 = V(), b6 = V(), b7 = V()

    /// Adds `w[i] · (x0, x1)` to channel i's 32 sums, for the 8 weights at `w`.
    @inline(__always)
    mutating func add(weights w: UnsafePointer<Float>, _ x0: V, _ x1: V) {
        var s = V(repeating: w[0]); a0.addProduct(s, x0); b0.addProduct(s, x1)
        s = V(repeating: w[1]); a1.addProduct(s, x0); b1.addProduct(s, x1)
        s = V(repeating: w[2]); a2.addProduct(s, x0); b2.addProduct(s, x1)
        s = V(repeating: w[3]); a3.addProduct(s, x0); b3.addProduct(s, x1)
        s = V(repeating: w[4]); a4.addProduct(s, x0); b4.addProduct(s, x1)
        s = V(repeating: w[5]); a5.addProduct(s, x0); b5.addProduct(s, x1)
        s = V(repeating: w[6]); a6.addProduct(s, x0); b6.addProduct(s, x1)
        s = V(repeating: w[7]); a7.addProduct(s, x0); b7.addProduct(s, x1)
    }

    /// Writes channel i's 32 sums at byte offset `base + i·channelStride` of `out`.
    @inline(__always)
    func store(to out: UnsafeMutableRawPointer, byteOffset base: Int, channelStride: Int) {
        let second = 16 &* MemoryLayout<Float>.stride
        func pair(_ a: V, _ b: V, _ i: Int) {
            out.storeBytes(of: a, toByteOffset: base &+ i &* channelStride, as: V.self)
            out.storeBytes(of: b, toByteOffset: base &+ i &* channelStride &+ second, as: V.self)
        }
        pair(a0, b0, 0); pair(a1, b1, 1); pair(a2, b2, 2); pair(a3, b3, 3)
        pair(a4, b4, 4); pair(a5, b5, 5); pair(a6, b6, 6); pair(a7, b7, 7)
    }
}
