import KernelInterface

extension SIMD where Scalar == Float {
    /// `self += a · b`, lane by lane: one fused multiply-add per register where the kernel set's
    /// CPU has FMA. The portable set on x86-64 (SSE2, no FMA) multiplies and adds instead, because
    /// there `addProduct` keeps its exact fused rounding by calling libm's `fmaf` once per lane.
    @inline(__always)
    mutating func multiplyAdd(_ a: Self, _ b: Self) {
        #if KERNELS_SEPARATE_MULTIPLY_ADD
            self += a * b
        #else
            addProduct(a, b)
        #endif
    }
}

extension SIMD where Scalar == Float {
    /// `self + a · b` (see `multiplyAdd`).
    @inline(__always)
    func multiplyAdded(_ a: Self, _ b: Self) -> Self {
        var result = self
        result.multiplyAdd(a, b)
        return result
    }
}
