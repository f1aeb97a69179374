import KernelInterface

/// An immutable network ready for inference: an `Architecture` compiled into steps plus its parameters.
///
/// It is `Sendable` and holds no mutable state, so any number of workers can run it at once, each
/// with its own `InferenceWorkspace`.
public struct InferenceNetwork: Sendable {
    public let parameters: Parameters
    /// The instruction set the kernels run on (see `KernelSelection`).
    public let kernelSet: KernelSetName
    let kernels: any KernelSet.Type
    let plan: NetworkPlan
    /// `plan.imageSteps` with each convolution + ReLU + max-pool fused into one step.
    let imageSteps: [InferenceStep]
    /// Reordered weights of the convolutions, back to back (see `ConvolutionPlan.packForwardWeights`).
    let packed: [Float]
    /// Reordered weights of the linear layers, back to back (see `packDenseWeights`), and where
    /// each vector step's weights start (nil for steps that are not linear layers).
    let packedDense: [Float]
    let packedDenseOffsets: [Int?]
    /// Where each image is read: once as it is, or at several grid phases (see `GridPlacements`).
    public let placements: GridPlacements
    /// Images a worker runs at once unless told otherwise (see `preferredChunkSize`).
    public let chunkSize: Int
    /// `forwardFLOPs` of one read of a placement's canvas.
    private let canvasFLOPs: Int

    /// A network on the given kernel set, or on the process's (`KernelSelection`) when nil, that
    /// averages over `gridPhases` grid phases (1: one pass). Throws if the architecture cannot be
    /// executed (it is validated when parameters are built, so this only fails for hand-made
    /// inconsistent descriptions), if it cannot average over phases, or the CPU cannot run the set.
    public init(parameters: Parameters, kernelSet: KernelSetName? = nil, gridPhases: Int = 1) throws {
        self.parameters = parameters
        self.kernelSet = try KernelSelection.resolve(kernelSet)
        kernels = KernelSelection.kernels(self.kernelSet)
        placements = try GridPlacements(architecture: parameters.architecture, phases: gridPhases)
        let canvas = try placements.canvasArchitecture(of: parameters.architecture)
        canvasFLOPs = canvas.forwardFLOPs
        plan = try NetworkPlan(canvas)
        (imageSteps, packed) = InferenceStep.fuse(plan.imageSteps, kernels: kernels, parameters: parameters.values)
        (packedDense, packedDenseOffsets) = Self.packDense(plan.vectorSteps, kernels: kernels, parameters: parameters.values)
        var largestDense = 0
        for case .dense(let dense) in plan.vectorSteps { largestDense = max(largestDense, dense.packedWeightCount(kernels)) }
        chunkSize = Self.preferredChunkSize(denseWeights: largestDense)
    }

    /// Images per chunk for a network whose largest linear layer has `floats` packed weights. The
    /// linear layers run once per chunk, so a layer too large to stay in cache between chunks (over
    /// 4 MiB) is read from memory once per chunk: such a network gets chunks of 64 images, others
    /// 32. The seed network's fc1 (7.7 MiB) took 11% less CPU time with 64 than with 32 on AVX2
    /// (one worker); 128 saved 3% more but raised `sumd serve`'s peak memory by 46 MiB instead of
    /// 22. digitsum has no linear layer; 32 to 256 measured alike (docs/performance.md).
    static func preferredChunkSize(denseWeights floats: Int) -> Int {
        floats * MemoryLayout<Float>.stride > 4 << 20 ? 64 : 32
    }

    private static func packDense(_ steps: [VectorStep], kernels: any KernelSet.Type, parameters: [Float]) -> ([Float], [Int?]) {
        var offsets: [Int?] = []
        var total = 0
        for step in steps {
            guard case .dense(let dense) = step else {
                offsets.append(nil)
                continue
            }
            offsets.append(total)
            total += dense.packedWeightCount(kernels)
        }
        var packed = [Float](repeating: 0, count: total)
        parameters.withUnsafeBufferPointer { source in
            packed.withUnsafeMutableBufferPointer { target in
                for (step, offset) in zip(steps, offsets) {
                    guard case .dense(let dense) = step, let offset else { continue }
                    dense.packWeights(kernels, parameters: source.baseAddress!, into: target.baseAddress! + offset)
                }
            }
        }
        return (packed, offsets)
    }

    public var architecture: Architecture { parameters.architecture }
    /// Floats per input image (`height × width`, one channel).
    public var inputCount: Int { placements.imageHeight * placements.imageWidth }
    /// Logits per image.
    public var classes: Int { plan.classes }

    /// Floating-point operations this engine performs per image: `forwardFLOPs` of every placement
    /// read, with each Winograd convolution counted at its own cost instead of the direct
    /// convolution's. Rooflines should use this; images/s comparisons with other engines should not need it.
    public var executedFLOPs: Int {
        let perRead = imageSteps.reduce(canvasFLOPs) { total, step in
            guard let plan = step.convolution else { return total }
            let g = plan.geometry
            let direct = 2 * g.patchSize * g.outChannels * g.outPlane
            switch plan.forward {
            case .winograd(let layout): return total - direct + layout.flopsPerImage
            case .winograd4x4(let layout): return total - direct + layout.flopsPerImage
            case .blocked, .im2col: return total
            }
        }
        return perRead * placements.offsets.count
    }

    /// Buffers for forwarding up to `maxBatch` images at a time on one thread.
    public func makeWorkspace(maxBatch: Int) -> InferenceWorkspace {
        InferenceWorkspace(plan: plan, steps: imageSteps, kernels: kernels, placements: placements, maxBatch: maxBatch)
    }

    /// Logits (`[count, classes]`) of `count` images (`[count, H, W]`, already scaled to [0, 1]).
    ///
    /// Convolutions run one image at a time (their activations stay in cache); the linear layers
    /// run on the whole batch, so their weights are read once per call. Does not allocate.
    public func forward(
        images: UnsafeBufferPointer<Float>, count: Int, logits: UnsafeMutableBufferPointer<Float>, workspace: InferenceWorkspace
    ) {
        precondition(count <= workspace.maxBatch, "batch of \(count) exceeds the workspace's \(workspace.maxBatch)")
        precondition(workspace.featureCount == plan.featureCount, "workspace was made for another network")
        precondition(
            images.count >= count * inputCount && logits.count >= count * plan.classes, "buffers too small for \(count) images")
        guard count > 0, let input = images.baseAddress, let output = logits.baseAddress else { return }
        parameters.values.withUnsafeBufferPointer { arena in
            forward(parameters: arena.baseAddress!, input: input, count: count, logits: output, workspace: workspace)
        }
    }

    /// The logits of `count` images: one read, or the mean log-probabilities over the placements.
    func forward(
        parameters: UnsafePointer<Float>, input: UnsafePointer<Float>, count: Int,
        logits: UnsafeMutablePointer<Float>, workspace: InferenceWorkspace
    ) {
        guard !placements.isSinglePass else {
            return read(parameters: parameters, input: input, count: count, logits: logits, workspace: workspace)
        }
        let outputs = count * plan.classes
        let placementLogits = workspace.placementLogits.base
        logits.update(repeating: 0, count: outputs)
        for offset in placements.offsets {
            placements.place(input, count: count, at: offset, into: workspace.canvases.base)
            read(parameters: parameters, input: workspace.canvases.base, count: count, logits: placementLogits, workspace: workspace)
            for index in 0..<outputs { logits[index] += placementLogits[index] }
        }
        let placementCount = Float(placements.offsets.count)
        for index in 0..<outputs { logits[index] /= placementCount }
    }

    /// The logits of `count` inputs of the plan's size, read once.
    private func read(
        parameters: UnsafePointer<Float>, input: UnsafePointer<Float>, count: Int,
        logits: UnsafeMutablePointer<Float>, workspace: InferenceWorkspace
    ) {
        let context = StepContext(
            kernels: kernels, parameters: parameters, scratch: workspace.scratch.base, raw: workspace.convolutionOutput.base,
            digitSumScratch: workspace.digitSumScratch.base)
        var features = input
        if !plan.imageSteps.isEmpty {
            packed.withUnsafeBufferPointer { packed in
                forwardImages(context, packed: packed.baseAddress, input: input, count: count, workspace: workspace)
            }
            features = UnsafePointer(workspace.features.base)
        }
        var source = features
        let last = plan.vectorSteps.count - 1
        for (index, step) in plan.vectorSteps.enumerated() {
            let target = index == last ? logits : workspace.vectorBuffers[index & 1].base
            switch step {
            case .dense(let dense):
                packedDense.withUnsafeBufferPointer { packed in
                    dense.inferenceForward(
                        context, packed: packed.baseAddress! + packedDenseOffsets[index]!, input: source, output: target,
                        rows: count, scratch: workspace.denseScratch.base)
                }
            case .relu(let relu):
                relu.forward(context, input: source, output: target, samples: count)
            case .digitSum(let head):
                head.forward(context, input: source, output: target, groups: PieceGroups(images: count))
            }
            source = UnsafePointer(target)
        }
    }

    /// The per-image steps of `count` images, ending in `workspace.features`.
    private func forwardImages(
        _ context: StepContext, packed: UnsafePointer<Float>?, input: UnsafePointer<Float>, count: Int, workspace: InferenceWorkspace
    ) {
        let last = imageSteps.count - 1
        for image in 0..<count {
            var source = input + image * plan.inputCount
            for (index, step) in imageSteps.enumerated() {
                let target =
                    index == last
                    ? workspace.features.base + image * plan.featureCount
                    : workspace.imageBuffers[index & 1].base
                step.forward(context, packed: packed, input: source, output: target)
                source = UnsafePointer(target)
            }
        }
    }
}

/// Preallocated buffers for one thread running an `InferenceNetwork` on up to `maxBatch` images.
///
/// Not thread-safe: give each worker its own. (`@unchecked Sendable` so a workspace can be handed to
/// the thread that will use it; it is never shared by two threads at once.)
public final class InferenceWorkspace: @unchecked Sendable {
    public let maxBatch: Int
    let featureCount: Int
    /// Ping-pong outputs of the per-image steps before the last one.
    let imageBuffers: [FloatStorage]
    /// `[maxBatch, featureCount]`: the last per-image step's outputs, i.e. the flattened features.
    let features: FloatStorage
    /// Ping-pong `[maxBatch, width]` outputs of the vector steps before the logits.
    let vectorBuffers: [FloatStorage]
    /// im2col matrix or zero-padded input of the largest convolution.
    let scratch: FloatStorage
    /// Raw output of a convolution that is pooled next.
    let convolutionOutput: FloatStorage
    /// The digit-sum head's per-image scratch.
    let digitSumScratch: DoubleStorage
    /// Sums of the linear layers, outputs padded to whole tiles.
    let denseScratch: FloatStorage
    /// `[maxBatch]` canvases of one placement, and their logits (empty for a single pass).
    let canvases: FloatStorage
    let placementLogits: FloatStorage

    init(plan: NetworkPlan, steps: [InferenceStep], kernels: any KernelSet.Type, placements: GridPlacements, maxBatch: Int) {
        precondition(maxBatch > 0, "a workspace needs room for at least one image")
        self.maxBatch = maxBatch
        featureCount = plan.featureCount
        let imageWidth = plan.imageSteps.map(\.outCount).max() ?? 0
        imageBuffers = [FloatStorage(count: imageWidth), FloatStorage(count: imageWidth)]
        features = FloatStorage(count: plan.imageSteps.isEmpty ? 0 : maxBatch * plan.featureCount)
        let vectorWidth = plan.vectorSteps.map(\.outCount).max() ?? 0
        vectorBuffers = [FloatStorage(count: maxBatch * vectorWidth), FloatStorage(count: maxBatch * vectorWidth)]
        let convolutions = steps.compactMap(\.convolution)
        scratch = FloatStorage(count: convolutions.map { $0.scratchCount(training: false) }.max() ?? 0)
        convolutionOutput = FloatStorage(count: convolutions.map { $0.rawOutputCount(training: false) }.max() ?? 0)
        digitSumScratch = DoubleStorage(count: plan.digitSumScratch)
        denseScratch = FloatStorage(
            count: plan.vectorSteps.map { step in
                if case .dense(let dense) = step { return dense.inferenceScratchCount(kernels, rows: maxBatch) }
                return 0
            }.max() ?? 0)
        let phased = !placements.isSinglePass
        canvases = FloatStorage(count: phased ? maxBatch * plan.inputCount : 0)
        placementLogits = FloatStorage(count: phased ? maxBatch * plan.classes : 0)
    }
}
