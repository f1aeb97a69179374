/// An immutable network ready for inference: an `Architecture` compiled into steps plus its parameters.
///
/// It is `Sendable` and holds no mutable state, so any number of workers can run it at once, each
/// with its own `InferenceWorkspace`.
public struct InferenceNetwork: Sendable {
    public let parameters: Parameters
    let plan: NetworkPlan
    /// `plan.imageSteps` with each convolution + ReLU + max-pool fused into one step.
    let imageSteps: [InferenceStep]
    /// Reordered weights of the blocked convolutions, back to back (see `packConvolutionWeights`).
    let packed: [Float]
    /// Reordered weights of the linear layers, back to back (see `packDenseWeights`), and where
    /// each vector step's weights start (nil for steps that are not linear layers).
    let packedDense: [Float]
    let packedDenseOffsets: [Int?]

    /// Throws if the architecture cannot be executed (it is validated when parameters are built,
    /// so this only fails for hand-made inconsistent descriptions).
    public init(parameters: Parameters) throws {
        self.parameters = parameters
        plan = try NetworkPlan(parameters.architecture)
        (imageSteps, packed) = InferenceStep.fuse(plan.imageSteps, parameters: parameters.values)
        (packedDense, packedDenseOffsets) = Self.packDense(plan.vectorSteps, parameters: parameters.values)
    }

    private static func packDense(_ steps: [VectorStep], parameters: [Float]) -> ([Float], [Int?]) {
        var offsets: [Int?] = [], total = 0
        for step in steps {
            guard case let .dense(g, _) = step else { offsets.append(nil); continue }
            offsets.append(total)
            total += PackedDense.packedCount(g)
        }
        var packed = [Float](repeating: 0, count: total)
        parameters.withUnsafeBufferPointer { source in
            packed.withUnsafeMutableBufferPointer { target in
                for (step, offset) in zip(steps, offsets) {
                    guard case let .dense(g, _) = step, let offset else { continue }
                    packDenseWeights(g, parameters: source.baseAddress!, into: target.baseAddress! + offset)
                }
            }
        }
        return (packed, offsets)
    }

    public var architecture: Architecture { parameters.architecture }
    /// Floats per input image (`height × width`, one channel).
    public var inputCount: Int { plan.inputCount }
    /// Logits per image.
    public var classes: Int { plan.classes }

    /// Floating-point operations this engine performs per image: `architecture.forwardFLOPs`, with
    /// each Winograd convolution counted at its own cost instead of the direct convolution's.
    /// Rooflines should use this; images/s comparisons with other engines should not need it.
    public var executedFLOPs: Int {
        imageSteps.reduce(architecture.forwardFLOPs) { total, step in
            guard case let .winogradConvolutionPool(g, layout, _) = step else { return total }
            return total - 2 * g.patchSize * g.outChannels * g.outPlane + layout.flopsPerImage
        }
    }

    /// Buffers for forwarding up to `maxBatch` images at a time on one thread.
    public func makeWorkspace(maxBatch: Int) -> InferenceWorkspace {
        InferenceWorkspace(plan: plan, steps: imageSteps, maxBatch: maxBatch)
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
        precondition(images.count >= count * plan.inputCount && logits.count >= count * plan.classes, "buffers too small for \(count) images")
        guard count > 0, let input = images.baseAddress, let output = logits.baseAddress else { return }
        parameters.values.withUnsafeBufferPointer { arena in
            forward(parameters: arena.baseAddress!, input: input, count: count, logits: output, workspace: workspace)
        }
    }

    func forward(
        parameters: UnsafePointer<Float>, input: UnsafePointer<Float>, count: Int,
        logits: UnsafeMutablePointer<Float>, workspace: InferenceWorkspace
    ) {
        var features = input
        if !plan.imageSteps.isEmpty {
            packed.withUnsafeBufferPointer { packed in
                forwardImages(parameters: parameters, packed: packed.baseAddress, input: input, count: count, workspace: workspace)
            }
            features = UnsafePointer(workspace.features.base)
        }
        var source = features
        let last = plan.vectorSteps.count - 1
        for (index, step) in plan.vectorSteps.enumerated() {
            let target = index == last ? logits : workspace.vectorBuffers[index & 1].base
            switch step {
            case let .dense(g, relu):
                packedDense.withUnsafeBufferPointer { packed in
                    packedDenseForward(g, relu: relu, packed: packed.baseAddress! + packedDenseOffsets[index]!, bias: parameters + g.bias,
                                       input: source, output: target, rows: count, scratch: workspace.denseScratch.base)
                }
            case let .relu(n):
                reluForward(source, target, count: n * count)
            case let .digitSum(g):
                digitSumForward(g, input: source, output: target, rows: count, scratch: workspace.digitSumScratch.base)
            }
            source = UnsafePointer(target)
        }
    }

    /// The per-image steps of `count` images, ending in `workspace.features`.
    private func forwardImages(
        parameters: UnsafePointer<Float>, packed: UnsafePointer<Float>?, input: UnsafePointer<Float>, count: Int,
        workspace: InferenceWorkspace
    ) {
        let last = imageSteps.count - 1
        for image in 0..<count {
            var source = input + image * plan.inputCount
            for (index, step) in imageSteps.enumerated() {
                let target = index == last
                    ? workspace.features.base + image * plan.featureCount
                    : workspace.imageBuffers[index & 1].base
                switch step {
                case let .plain(.convolution(g, relu)):
                    convolutionForward(g, epilogue: relu ? .biasRelu : .bias, parameters: parameters, input: source,
                                       output: target, scratch: workspace.scratch.base)
                case let .plain(.maxPool(g)):
                    maxPoolForward(g, input: source, output: target, argmax: nil)
                case let .plain(.relu(n)):
                    reluForward(source, target, count: n)
                case let .convolutionPool(g, pool):
                    let raw = workspace.convolutionOutput.base
                    convolutionForward(g, epilogue: .none, parameters: parameters, input: source, output: raw,
                                       scratch: workspace.scratch.base)
                    maxPoolBiasRelu(pool, bias: parameters + g.bias, input: raw, rowStride: g.outWidth,
                                    planeStride: g.outPlane, output: target)
                case let .blockedConvolutionPool(g, layout, weights, pool):
                    let raw = workspace.convolutionOutput.base
                    blockedConvolution(g, layout: layout, packedWeights: packed! + weights, input: source,
                                       padded: workspace.scratch.base, output: raw)
                    maxPoolBiasRelu(pool, bias: parameters + g.bias, input: raw, rowStride: layout.rowStride,
                                    planeStride: layout.planeStride, output: target)
                case let .winogradConvolutionPool(g, layout, weights):
                    winogradConvolutionPool(g, layout: layout, packedWeights: packed! + weights, bias: parameters + g.bias,
                                            input: source, scratch: workspace.scratch.base,
                                            products: workspace.convolutionOutput.base, output: target)
                }
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

    init(plan: NetworkPlan, steps: [InferenceStep], maxBatch: Int) {
        precondition(maxBatch > 0, "a workspace needs room for at least one image")
        self.maxBatch = maxBatch
        featureCount = plan.featureCount
        let imageWidth = plan.imageSteps.map(\.outCount).max() ?? 0
        imageBuffers = [FloatStorage(count: imageWidth), FloatStorage(count: imageWidth)]
        features = FloatStorage(count: plan.imageSteps.isEmpty ? 0 : maxBatch * plan.featureCount)
        let vectorWidth = plan.vectorSteps.map(\.outCount).max() ?? 0
        vectorBuffers = [FloatStorage(count: maxBatch * vectorWidth), FloatStorage(count: maxBatch * vectorWidth)]
        // Scratch and raw-output floats of each blocked or Winograd step.
        let needs = steps.map { step -> (scratch: Int, output: Int) in
            switch step {
            case let .blockedConvolutionPool(_, layout, _, _): return (layout.paddedCount, layout.outputCount)
            case let .winogradConvolutionPool(_, layout, _): return (layout.scratchCount, layout.productCount)
            default: return (0, 0)
            }
        }
        scratch = FloatStorage(count: max(plan.convolutionScratch, needs.map(\.scratch).max() ?? 0))
        convolutionOutput = FloatStorage(count: max(imageWidth, needs.map(\.output).max() ?? 0))
        digitSumScratch = DoubleStorage(count: plan.digitSumScratch)
        denseScratch = FloatStorage(count: plan.vectorSteps.map { step in
            if case let .dense(g, _) = step { return PackedDense.scratchCount(g, rows: maxBatch) }
            return 0
        }.max() ?? 0)
    }
}

/// A per-image inference step: a plan step, or a convolution + bias + ReLU + max-pool computed
/// as raw convolution then one pass that pools, adds the bias and clamps.
enum InferenceStep: Sendable {
    case plain(ImageStep)
    case convolutionPool(ConvolutionGeometry, PoolGeometry)
    /// As `convolutionPool`, computed by `blockedConvolution` with weights at this offset of the packed array.
    case blockedConvolutionPool(ConvolutionGeometry, BlockedLayout, packedOffset: Int, PoolGeometry)
    /// Convolution + bias + ReLU + 2×2 pool by `winogradConvolutionPool`, with transformed weights
    /// at this offset of the packed array.
    case winogradConvolutionPool(ConvolutionGeometry, WinogradLayout, packedOffset: Int)

    /// The fused steps, and the packed weights their blocked convolutions read.
    static func fuse(_ steps: [ImageStep], parameters: [Float]) -> ([InferenceStep], [Float]) {
        var result: [InferenceStep] = []
        var packed: [Float] = []
        var index = 0
        while index < steps.count {
            if case let .convolution(g, true) = steps[index], index + 1 < steps.count, case let .maxPool(pool) = steps[index + 1] {
                let offset = packed.count
                if WinogradLayout.applies(to: g, pool: pool) {
                    let layout = WinogradLayout(g)
                    result.append(.winogradConvolutionPool(g, layout, packedOffset: offset))
                    packed += [Float](repeating: 0, count: layout.weightCount)
                    parameters.withUnsafeBufferPointer { source in
                        packed.withUnsafeMutableBufferPointer { packWinogradWeights(g, parameters: source.baseAddress!, into: $0.baseAddress! + offset) }
                    }
                } else if BlockedLayout.applies(to: g) {
                    result.append(.blockedConvolutionPool(g, BlockedLayout(g), packedOffset: offset, pool))
                    packed += [Float](repeating: 0, count: g.patchSize * g.outChannels)
                    parameters.withUnsafeBufferPointer { source in
                        packed.withUnsafeMutableBufferPointer { packConvolutionWeights(g, parameters: source.baseAddress!, into: $0.baseAddress! + offset) }
                    }
                } else {
                    result.append(.convolutionPool(g, pool))
                }
                index += 2
            } else {
                result.append(.plain(steps[index]))
                index += 1
            }
        }
        return (result, packed)
    }
}
