import ArgumentParser
import Classifier
import Foundation

/// `sumd bench`: images per second of inference and of a training step (forward, backward, Adam)
/// for the seed network on 28×140 inputs, with random weights and inputs.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract:
            "Measure inference and training speed (images/s, GFLOP/s) on random inputs: the seed network, or a checkpoint's with --checkpoint.",
        discussion: """
            Prints the kernel set the engine runs (the fastest this CPU can run, or SUMD_KERNELS=avx512|avx2|portable), \
            measures the machine's compute peak with that set (every worker running register-only FMAs), \
            then prints the median images/s of repeated runs for inference and for a training step \
            (forward, backward, Adam) at each --batches size, with GFLOP/s and their share of that peak. \
            GFLOP/s count the operations the engine executes: inference runs 3×3 convolutions that \
            feed a 2×2 pool by Winograd's F(2×2, 3×3) or F(4×4, 3×3), which need fewer than the architecture's \
            nominal MFLOP/image (both are printed). Inference reads each image as `sumd predict` would: \
            at the checkpoint's grid phases (4 for digitsum as `sumd train` writes it), or --grid-phases; \
            images/s are images, not placements. `make bench` also runs PyTorch and ONNX Runtime on \
            the same weights when python3 has them, and prints the ratios.

            Examples:
              sumd bench
              sumd bench --checkpoint model.safetensors --batches 1 64 1024 10000 --workers 2
              sumd bench --phases training --batches 64
              sumd bench --checkpoint digitsum.safetensors --grid-phases 1 --phases inference
            """
    )

    @Option(help: "Worker threads (default: all cores).")
    var workers: Int?

    @Option(help: "Largest chunk of images a worker runs at once during inference (default: the network's).")
    var chunkSize: Int?

    @Option(parsing: .upToNextOption, help: "Batch sizes to measure.")
    var batches: [Int] = [1, 64, 1024]

    @Option(help: "Measure this checkpoint's network and weights instead of the seed network with random weights.")
    var checkpoint: String?

    @Option(
        help:
            "Grid phases inference averages over, as `sumd predict --grid-phases`. Default: the checkpoint's (4 for digitsum as `sumd train` writes it), 1 for the seed network."
    )
    var gridPhases: Int?

    @Option(parsing: .upToNextOption, help: "What to measure: inference, training or both.")
    var phases: [Phase] = Phase.allCases

    @Flag(help: "Fewer and shorter repetitions (for CI).")
    var quick = false

    enum Phase: String, CaseIterable, ExpressibleByArgument {
        case inference, training
    }

    func validate() throws {
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1.") }
        if let chunkSize, chunkSize < 1 { throw ValidationError("--chunk-size must be at least 1.") }
        if let gridPhases, gridPhases < 1 { throw ValidationError("--grid-phases must be at least 1.") }
        if batches.isEmpty || batches.contains(where: { $0 < 1 }) { throw ValidationError("--batches must be positive numbers.") }
    }

    func run() throws {
        let workers = workers ?? ProcessInfo.processInfo.activeProcessorCount
        let loaded = try checkpoint.map { try Checkpoint.load(from: URL(fileURLWithPath: $0)) }
        let parameters =
            try loaded.map { try Parameters(architecture: $0.architecture, tensors: $0.tensors) }
            ?? Parameters(architecture: Architecture.seed(), seed: 1)
        let architecture = parameters.architecture
        let largest = batches.max()!
        var generator = SeededGenerator(seed: 2)
        let pixels = architecture.inputHeight * architecture.inputWidth
        let images = (0..<largest * pixels).map { _ in generator.nextUnitFloat() }
        let labels = (0..<largest).map { _ in generator.nextIndex(below: architecture.classes) }
        let network: InferenceNetwork
        do {
            network = try InferenceNetwork(parameters: parameters, gridPhases: gridPhases ?? loaded?.gridPhases ?? 1)
        } catch let error as EngineError {
            throw CheckpointError("\(checkpoint.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "the seed network"): \(error)")
        }
        let flops = Double(architecture.forwardFLOPs)
        let executed = Double(network.executedFLOPs)
        print(
            "\(architecture.name) network \(architecture.inputHeight)×\(architecture.inputWidth), \(architecture.classes) classes, "
                + String(format: "%.1f MFLOP/image (inference executes %.1f), ", flops / 1e6, executed / 1e6)
                + (network.placements.isSinglePass ? "" : network.placements.readingSummary + ", ")
                + "\(workers) worker(s), chunks of up to \(chunkSize ?? network.chunkSize) images, median of repeats"
                + (quick ? " (quick)" : ""))
        print(
            "kernels: \(network.kernelSet) (this CPU runs \(KernelSelection.runnable.map(\.rawValue).joined(separator: ", ")); "
                + "\(KernelSelection.environmentVariable) picks one)")
        let peak = ComputePeak.measureGFLOPs(workers: workers, kernelSet: network.kernelSet)
        print(
            String(
                format: "compute peak: %.0f GFLOP/s (%d thread(s) of register-only FMAs, %@ kernels)", peak, workers,
                network.kernelSet.rawValue))
        print("phase      batch     img/s   GFLOP/s   ms/batch  of peak")

        let predictor = BatchPredictor(network: network, workers: workers)
        for batch in batches where phases.contains(.inference) {
            let seconds = try images.withUnsafeBufferPointer { input in
                try measure { _ = predictor.predict(images: input, count: batch, chunkSize: chunkSize) }
            }
            report("inference", batch: batch, seconds: seconds, flops: executed, peak: peak)
        }
        for batch in batches where phases.contains(.training) {
            let trainer = try Trainer(parameters: parameters, workers: workers)
            let seconds = try images.withUnsafeBufferPointer { input in
                try labels.withUnsafeBufferPointer { targets in
                    try measure { try trainer.step(images: input, labels: targets, count: batch) }
                }
            }
            // Backward costs about twice the forward pass.
            report("training", batch: batch, seconds: seconds, flops: 3 * flops, peak: peak)
        }
    }

    /// Median wall time of `body` after one warm-up call, over at least a few repetitions and a
    /// minimum total time.
    private func measure(_ body: () throws -> Void) throws -> Double {
        let (minimumRuns, minimumTime) = quick ? (3, 0.3) : (7, 2.0)
        try body()
        var times: [Double] = []
        var total = 0.0
        while times.count < minimumRuns || (total < minimumTime && times.count < 1000) {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            times.append(elapsed)
            total += elapsed
        }
        return times.sorted()[times.count / 2]
    }

    private func report(_ phase: String, batch: Int, seconds: Double, flops: Double, peak: Double) {
        let rate = Double(batch) / seconds
        let gflops = rate * flops / 1e9
        print(
            phase.padding(toLength: 9, withPad: " ", startingAt: 0)
                + String(format: "%7d %9.0f %9.1f %10.2f %7.0f%%", batch, rate, gflops, seconds * 1e3, 100 * gflops / peak))
    }
}
