/// ReLU forward, the ReLU mask used by every backward pass, and a vectorised sum.

/// `output[i] = max(input[i], 0)`.
func reluForward(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { output[i] = max(input[i], 0) }
}

/// Zeroes `gradient[i]` where the ReLU output `activation[i]` is 0 (PyTorch: the gradient of ReLU
/// at x ≤ 0 is 0, and x > 0 exactly when the output is positive).
func reluMask(_ gradient: UnsafeMutablePointer<Float>, activation: UnsafePointer<Float>, count: Int) {
    for i in 0..<count { gradient[i] = activation[i] > 0 ? gradient[i] : 0 }
}

/// Σ values, sixteen lanes at a time (a strict left-to-right float sum cannot be vectorised).
func vectorSum(_ values: UnsafePointer<Float>, count: Int) -> Float {
    typealias V = SIMD16<Float>
    let raw = UnsafeRawPointer(values), size = MemoryLayout<Float>.stride
    var lanes = V(), i = 0
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
/// IEEE maximum's NaN rules lane by lane and does not vectorise (it made pooling 8× slower).
@inline(__always)
func lanewiseMax(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
    a.replacing(with: b, where: a .< b)
}

/// Sum of the 16 lanes by halving (three vector adds and one scalar add). The standard library's
/// `sum()` is not inlined here and costs a call per use (it was 5% of training time).
@inline(__always)
func horizontalSum(_ v: SIMD16<Float>) -> Float {
    let eight = v.lowHalf + v.highHalf
    let four = eight.lowHalf + eight.highHalf
    let two = four.lowHalf + four.highHalf
    return two[0] + two[1]
}
