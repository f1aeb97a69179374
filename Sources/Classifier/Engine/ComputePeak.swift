import Dispatch
import KernelInterface

/// The machine's measured floating-point roof for one kernel set: what `workers` threads achieve
/// when they do nothing but fused multiply-adds on that set's registers (no memory traffic).
/// Achieved GFLOP/s divided by this is the share of the machine's compute a kernel uses (the
/// roofline's flat part).
///
/// Measured rather than taken from a data sheet because clocks under AVX-512 load differ by CPU
/// and by cloud host.
public enum ComputePeak {
    /// Median GFLOP/s of `repeats` runs of the kernel set's peak loop on `workers` threads at once.
    public static func measureGFLOPs(workers: Int, kernelSet: KernelSetName, repeats: Int = 5) -> Double {
        precondition(workers > 0 && repeats > 0, "need workers and repeats")
        let kernels = KernelSelection.kernels(kernelSet)
        let iterations = 20_000_000
        let sink = SharedPointer(UnsafeMutablePointer<Float>.allocate(capacity: workers))
        defer { sink.base.deallocate() }
        kernels.peakLoop(iterations: iterations / 100, into: sink.base)  // warm-up: raise the clock, page in the code
        var rates: [Double] = []
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            runWorkers(workers) { worker in kernels.peakLoop(iterations: iterations, into: sink.base + worker) }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            rates.append(Double(workers * iterations * kernels.peakFLOPsPerIteration) / seconds / 1e9)
        }
        return rates.sorted()[repeats / 2]
    }
}
