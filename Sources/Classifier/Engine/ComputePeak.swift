import Dispatch

/// The machine's measured floating-point roof: what `workers` threads achieve when they do nothing
/// but 16-wide fused multiply-adds on registers (no memory traffic). Achieved GFLOP/s divided by
/// this is the share of the machine's compute a kernel uses (the roofline's flat part).
///
/// Measured rather than taken from a data sheet because clocks under AVX-512 load differ by CPU
/// and by cloud host; and not from sgemm because OpenBLAS may not have kernels for this CPU.
public enum ComputePeak {
    /// Median GFLOP/s of `repeats` runs of the FMA loop on `workers` threads at once.
    public static func measureGFLOPs(workers: Int, repeats: Int = 5) -> Double {
        precondition(workers > 0 && repeats > 0, "need workers and repeats")
        let iterations = 20_000_000
        let sink = SharedPointer(UnsafeMutablePointer<Float>.allocate(capacity: workers))
        defer { sink.base.deallocate() }
        fmaLoop(iterations: iterations / 100, into: sink.base)  // warm-up: raise the clock, page in the code
        var rates: [Double] = []
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            runWorkers(workers) { worker in fmaLoop(iterations: iterations, into: sink.base + worker) }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            rates.append(Double(workers * iterations * flopsPerIteration) / seconds / 1e9)
        }
        return rates.sorted()[repeats / 2]
    }

    /// 12 independent accumulators: enough to cover the FMA latency on both FMA ports.
    private static let flopsPerIteration = 12 * 16 * 2

    @inline(never)
    private static func fmaLoop(iterations: Int, into sink: UnsafeMutablePointer<Float>) {
        typealias V = SIMD16<Float>
        let m = V(repeating: 0.999_999), c = V(repeating: 1e-7)
        var a0 = V(repeating: 1), a1 = V(repeating: 2), a2 = V(repeating: 3), a3 = V(repeating: 4)
        var a4 = V(repeating: 5), a5 = V(repeating: 6), a6 = V(repeating: 7), a7 = V(repeating: 8)
        var a8 = V(repeating: 9), a9 = V(repeating: 10), a10 = V(repeating: 11), a11 = V(repeating: 12)
        for _ in 0..<iterations {
            // a = a·m + c, each a fused multiply-add the compiler may not reassociate away.
            a0 = c.addingProduct(a0, m); a1 = c.addingProduct(a1, m)
            a2 = c.addingProduct(a2, m); a3 = c.addingProduct(a3, m)
            a4 = c.addingProduct(a4, m); a5 = c.addingProduct(a5, m)
            a6 = c.addingProduct(a6, m); a7 = c.addingProduct(a7, m)
            a8 = c.addingProduct(a8, m); a9 = c.addingProduct(a9, m)
            a10 = c.addingProduct(a10, m); a11 = c.addingProduct(a11, m)
        }
        let total = (a0 + a1 + a2 + a3) + (a4 + a5 + a6 + a7) + (a8 + a9 + a10 + a11)
        sink.pointee = total.sum()
    }
}
