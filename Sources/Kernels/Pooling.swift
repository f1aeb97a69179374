import KernelInterface

/// Max-pooling (window = stride = k, floor rounding) for one image, NCHW.

extension Kernels {
    /// `output[c, i, j]` = max of the k×k window at `(i·k, j·k)`. If `argmax` is given, it receives the
    /// input index of each maximum — the first one in row-major window order on ties, like PyTorch.
    public static func maxPoolForward(
        _ g: PoolGeometry, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>?
    ) {
        if g.kernel == 2 {
            maxPool2x2Forward(g, input: input, output: output, argmax: argmax)
            return
        }
        let k = g.kernel
        let w = g.inWidth
        for c in 0..<g.channels {
            let channel = c * g.inHeight * w
            for oi in 0..<g.outHeight {
                for oj in 0..<g.outWidth {
                    var best = channel + oi * k * w + oj * k
                    var value = input[best]
                    for ki in 0..<k {
                        let row = channel + (oi * k + ki) * w + oj * k
                        for kj in 0..<k where input[row + kj] > value {
                            value = input[row + kj]
                            best = row + kj
                        }
                    }
                    let out = (c * g.outHeight + oi) * g.outWidth + oj
                    output[out] = value
                    argmax?[out] = Int32(truncatingIfNeeded: best)
                }
            }
        }
    }

    /// `maxPoolForward` for 2×2 windows (the seed network's case): 16 windows at a time, each row
    /// pair read as two 32-float loads split into even and odd columns, then a scalar tail.
    private static func maxPool2x2Forward(
        _ g: PoolGeometry, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>?
    ) {
        typealias V = SIMD16<Float>
        typealias Indices = SIMD16<Int32>
        let w = g.inWidth
        let ow = g.outWidth
        let size = MemoryLayout<Float>.stride
        let raw = UnsafeRawPointer(input)
        let evenColumns = Indices(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30)
        for c in 0..<g.channels {
            for oi in 0..<g.outHeight {
                let top = (c &* g.inHeight &+ 2 &* oi) &* w
                let out = (c &* g.outHeight &+ oi) &* ow
                var oj = 0
                while oj &+ V.scalarCount <= ow {
                    let first = top &+ 2 &* oj
                    let upper = raw.loadUnaligned(fromByteOffset: first &* size, as: SIMD32<Float>.self)
                    let lower = raw.loadUnaligned(fromByteOffset: (first &+ w) &* size, as: SIMD32<Float>.self)
                    // Candidates in row-major window order; a later one wins only if strictly larger.
                    let start = Indices(repeating: Int32(truncatingIfNeeded: first)) &+ evenColumns
                    var best = evenLanes(upper)
                    var index = start
                    let upperRight = oddLanes(upper) .> best
                    best.replace(with: oddLanes(upper), where: upperRight)
                    index.replace(with: start &+ 1, where: upperRight)
                    let lowerLeft = evenLanes(lower) .> best
                    best.replace(with: evenLanes(lower), where: lowerLeft)
                    index.replace(with: start &+ Int32(truncatingIfNeeded: w), where: lowerLeft)
                    let lowerRight = oddLanes(lower) .> best
                    best.replace(with: oddLanes(lower), where: lowerRight)
                    index.replace(with: start &+ Int32(truncatingIfNeeded: w &+ 1), where: lowerRight)
                    UnsafeMutableRawPointer(output + (out &+ oj)).storeBytes(of: best, as: V.self)
                    if let argmax { UnsafeMutableRawPointer(argmax + (out &+ oj)).storeBytes(of: index, as: Indices.self) }
                    oj &+= V.scalarCount
                }
                while oj < ow {
                    let first = top &+ 2 &* oj
                    var best = first
                    var value = input[first]
                    if input[first &+ 1] > value {
                        best = first &+ 1
                        value = input[best]
                    }
                    if input[first &+ w] > value {
                        best = first &+ w
                        value = input[best]
                    }
                    if input[first &+ w &+ 1] > value {
                        best = first &+ w &+ 1
                        value = input[best]
                    }
                    output[out &+ oj] = value
                    argmax?[out &+ oj] = Int32(truncatingIfNeeded: best)
                    oj &+= 1
                }
            }
        }
    }

    /// Sends each output gradient to the input position recorded by `maxPoolForward`;
    /// `inputGradient` is overwritten (zero where no window's maximum was).
    public static func maxPoolBackward(
        _ g: PoolGeometry, argmax: UnsafePointer<Int32>, outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>
    ) {
        inputGradient.update(repeating: 0, count: g.inCount)
        for i in 0..<g.outCount {
            inputGradient[Int(argmax[i])] += outputGradient[i]
        }
    }

    /// Inference-only max-pool fused with the bias and ReLU of the convolution before it:
    /// `output[c, i, j] = max(0, max(window) + bias[c])`, equal to pooling `relu(conv + bias)`
    /// because adding a constant and ReLU are monotone. Saves a pass over the convolution's output.
    /// The input is read with the given row and plane strides (a blocked convolution's layout).
    public static func maxPoolBiasRelu(
        _ g: PoolGeometry, bias: UnsafePointer<Float>, input: UnsafePointer<Float>, rowStride w: Int, planeStride: Int,
        output: UnsafeMutablePointer<Float>
    ) {
        let k = g.kernel
        let ow = g.outWidth
        for c in 0..<g.channels {
            let b = bias[c]
            let channel = input + c * planeStride
            for oi in 0..<g.outHeight {
                let out = output + (c * g.outHeight + oi) * ow
                let top = channel + oi * k * w
                if k == 2 {
                    let bottom = top + w
                    // 16 outputs at a time: the larger of the two rows, then of even and odd columns.
                    // A row of 16 or more ends with the 16 outputs that finish it, overlapping
                    // those already written (the seed network's 70 are 4 blocks and 6 left over).
                    var oj = 0
                    while oj &+ 16 <= ow {
                        pool16(top: top, bottom: bottom, bias: b, at: oj, into: out)
                        oj &+= 16
                    }
                    if oj < ow && ow >= 16 {
                        pool16(top: top, bottom: bottom, bias: b, at: ow &- 16, into: out)
                        oj = ow
                    }
                    while oj < ow {
                        let m = max(max(top[2 * oj], top[2 * oj + 1]), max(bottom[2 * oj], bottom[2 * oj + 1]))
                        out[oj] = max(m + b, 0)
                        oj += 1
                    }
                } else {
                    for oj in 0..<ow {
                        var m = top[oj * k]
                        for ki in 0..<k {
                            let row = top + ki * w + oj * k
                            for kj in 0..<k { m = max(m, row[kj]) }
                        }
                        out[oj] = max(m + b, 0)
                    }
                }
            }
        }
    }

    /// Outputs `oj..<oj+16` of one pooled row: `max(0, bias + max of each 2×2 window)` over the
    /// input rows `top` and `bottom`.
    @inline(__always)
    private static func pool16(
        top: UnsafePointer<Float>, bottom: UnsafePointer<Float>, bias: Float, at oj: Int, into out: UnsafeMutablePointer<Float>
    ) {
        let upper = UnsafeRawPointer(top + 2 &* oj)
        let lower = UnsafeRawPointer(bottom + 2 &* oj)
        let left = lanewiseMax(upper.loadUnaligned(as: SIMD16<Float>.self), lower.loadUnaligned(as: SIMD16<Float>.self))
        let right = lanewiseMax(
            upper.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self),
            lower.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self))
        let m = lanewiseMax(
            SIMD16(lowHalf: left.evenHalf, highHalf: right.evenHalf), SIMD16(lowHalf: left.oddHalf, highHalf: right.oddHalf))
        UnsafeMutableRawPointer(out + oj).storeBytes(of: lanewiseMax(m + SIMD16(repeating: bias), .zero), as: SIMD16<Float>.self)
    }
}
