import KernelInterface

/// ReLU forward, the ReLU mask used by every backward pass, and a vectorised sum.

extension Kernels {
    /// `output[i] = max(input[i], 0)`.
    public static func reluForward(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { output[i] = max(input[i], 0) }
    }

    /// Zeroes `gradient[i]` where the ReLU output `activation[i]` is 0 (PyTorch: the gradient of ReLU
    /// at x ≤ 0 is 0, and x > 0 exactly when the output is positive).
    public static func reluMask(_ gradient: UnsafeMutablePointer<Float>, activation: UnsafePointer<Float>, count: Int) {
        for i in 0..<count { gradient[i] = activation[i] > 0 ? gradient[i] : 0 }
    }

    /// Σ values, sixteen lanes at a time (a strict left-to-right float sum cannot be vectorised).
    static func vectorSum(_ values: UnsafePointer<Float>, count: Int) -> Float {
        typealias V = SIMD16<Float>
        let raw = UnsafeRawPointer(values)
        let size = MemoryLayout<Float>.stride
        var lanes = V()
        var i = 0
        while i &+ V.scalarCount <= count {
            lanes += raw.loadUnaligned(fromByteOffset: i &* size, as: V.self)
            i &+= V.scalarCount
        }
        var sum = horizontalSum(lanes)
        while i < count {
            sum += values[i]
            i &+= 1
        }
        return sum
    }

    /// Lane-wise maximum compiled to one `vmaxps`. The standard library's `pointwiseMax` follows
    /// IEEE maximum's NaN rules lane by lane and does not vectorise (it made pooling 8× slower);
    /// so does this comparison written generically over `SIMD`, hence one overload per width.
    @inline(__always)
    static func lanewiseMax(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
        a.replacing(with: b, where: a .< b)
    }

    @inline(__always)
    static func lanewiseMax(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        a.replacing(with: b, where: a .< b)
    }

    @inline(__always)
    static func lanewiseMax(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMD4<Float> {
        a.replacing(with: b, where: a .< b)
    }

    /// Sum of the 16 lanes by halving (three vector adds and one scalar add). The standard library's
    /// `sum()` is not inlined here and costs a call per use (it was 5% of training time).
    @inline(__always)
    static func horizontalSum(_ v: SIMD16<Float>) -> Float {
        let eight = v.lowHalf + v.highHalf
        let four = eight.lowHalf + eight.highHalf
        let two = four.lowHalf + four.highHalf
        return two[0] + two[1]
    }

    // Lane shuffles written out lane by lane: each compiles to one or two `vpermi2ps`, where the
    // standard library's `evenHalf`/`oddHalf` were left as out-of-line calls in the kernels.

    /// Lanes 0, 2, …, 30 of `x`.
    @inline(__always)
    static func evenLanes(_ x: SIMD32<Float>) -> SIMD16<Float> {
        SIMD16(x[0], x[2], x[4], x[6], x[8], x[10], x[12], x[14], x[16], x[18], x[20], x[22], x[24], x[26], x[28], x[30])
    }

    /// Lanes 1, 3, …, 31 of `x`.
    @inline(__always)
    static func oddLanes(_ x: SIMD32<Float>) -> SIMD16<Float> {
        SIMD16(x[1], x[3], x[5], x[7], x[9], x[11], x[13], x[15], x[17], x[19], x[21], x[23], x[25], x[27], x[29], x[31])
    }

    /// Lanes 0, 2, …, 14 of `x`.
    @inline(__always)
    static func evenLanes(_ x: SIMD16<Float>) -> SIMD8<Float> {
        SIMD8(x[0], x[2], x[4], x[6], x[8], x[10], x[12], x[14])
    }

    /// Lanes 1, 3, …, 15 of `x`.
    @inline(__always)
    static func oddLanes(_ x: SIMD16<Float>) -> SIMD8<Float> {
        SIMD8(x[1], x[3], x[5], x[7], x[9], x[11], x[13], x[15])
    }

    /// The 32 lanes `a[0], b[0], a[1], b[1], …`.
    @inline(__always)
    static func interleave(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD32<Float> {
        SIMD32(
            a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3], a[4], b[4], a[5], b[5], a[6], b[6], a[7], b[7],
            a[8], b[8], a[9], b[9], a[10], b[10], a[11], b[11], a[12], b[12], a[13], b[13], a[14], b[14], a[15], b[15])
    }

    /// The 16 lanes `a[0], b[0], a[1], b[1], …`.
    @inline(__always)
    static func interleave(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD16<Float> {
        SIMD16(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3], a[4], b[4], a[5], b[5], a[6], b[6], a[7], b[7])
    }

    /// The 8 lanes `a[0], b[0], a[1], b[1], …`.
    @inline(__always)
    static func interleave(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMD8<Float> {
        SIMD8(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3])
    }
}
