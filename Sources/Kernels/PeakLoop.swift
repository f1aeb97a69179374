import KernelInterface

extension Kernels {
    /// Floating-point operations per `peakLoop` iteration: 12 fused multiply-adds on whole registers.
    public static var peakFLOPsPerIteration: Int { 12 * Lane.scalarCount * 2 }

    /// 12 independent accumulators, enough to cover the FMA latency on two FMA pipes: what the
    /// cores achieve with this set's registers and nothing but arithmetic (the roofline's roof).
    @inline(never)
    public static func peakLoop(iterations: Int, into sink: UnsafeMutablePointer<Float>) {
        typealias V = Lane
        let m = V(repeating: 0.999_999)
        let c = V(repeating: 1e-7)
        var a0 = V(repeating: 1)
        var a1 = V(repeating: 2)
        var a2 = V(repeating: 3)
        var a3 = V(repeating: 4)
        var a4 = V(repeating: 5)
        var a5 = V(repeating: 6)
        var a6 = V(repeating: 7)
        var a7 = V(repeating: 8)
        var a8 = V(repeating: 9)
        var a9 = V(repeating: 10)
        var a10 = V(repeating: 11)
        var a11 = V(repeating: 12)
        for _ in 0..<iterations {
            // a = a·m + c: a dependency chain per accumulator the compiler may not reassociate away.
            a0 = c.multiplyAdded(a0, m)
            a1 = c.multiplyAdded(a1, m)
            a2 = c.multiplyAdded(a2, m)
            a3 = c.multiplyAdded(a3, m)
            a4 = c.multiplyAdded(a4, m)
            a5 = c.multiplyAdded(a5, m)
            a6 = c.multiplyAdded(a6, m)
            a7 = c.multiplyAdded(a7, m)
            a8 = c.multiplyAdded(a8, m)
            a9 = c.multiplyAdded(a9, m)
            a10 = c.multiplyAdded(a10, m)
            a11 = c.multiplyAdded(a11, m)
        }
        let total = (a0 + a1 + a2 + a3) + (a4 + a5 + a6 + a7) + (a8 + a9 + a10 + a11)
        var sum: Float = 0
        for i in 0..<V.scalarCount { sum += total[i] }
        sink.pointee = sum
    }
}
