/// One training worker's buffers: the activations of up to `capacity` images kept for the backward
/// pass, its own gradient arena, and scratch. A larger shard runs in micro-batches of `capacity`
/// whose gradients add up (this bounds memory: ~1.1 MB of activations per image for the seed net).
/// Built once; the step loops never allocate.
///
/// Used by one worker thread at a time (`@unchecked Sendable` only so it can be handed to that thread).
final class TrainingWorkspace: @unchecked Sendable {
    let plan: NetworkPlan
    let capacity: Int
    /// Per image step: outputs `[capacity, outCount]` (the last one holds the flattened features).
    let imageActivations: [FloatStorage]
    /// Per image step: max-pool argmax indices `[capacity, outCount]` (unused for other steps).
    let argmax: [IndexStorage]
    /// Per vector step: outputs `[capacity, outCount]` (the last one holds the logits).
    let vectorActivations: [FloatStorage]
    /// Ping-pong gradients of one image's activations.
    let imageGradients: [FloatStorage]
    /// Ping-pong gradients of the shard's vectors (the first step back from the logits lands in [0]).
    let vectorGradients: [FloatStorage]
    let scratch: FloatStorage
    /// Per image step: which parts of a convolution run on the blocked kernels (nil: not a convolution).
    let blocked: [BlockedConvolutionSteps?]
    /// Packed weights of the blocked kernels, refreshed from the parameters at the start of each `run`.
    let packed: FloatStorage
    /// A blocked kernel's raw output, or a gradient spread into the blocked layout.
    let blockedOutput: FloatStorage
    /// This worker's gradient arena, in `Parameters` order.
    let gradients: FloatStorage
    /// The digit-sum head's per-image scratch.
    let digitSumScratch: DoubleStorage

    init(plan: NetworkPlan, capacity: Int) {
        self.plan = plan
        self.capacity = capacity
        imageActivations = plan.imageSteps.map { FloatStorage(count: capacity * $0.outCount) }
        argmax = plan.imageSteps.map { step in
            if case .maxPool = step { return IndexStorage(count: capacity * step.outCount) }
            return IndexStorage(count: 0)
        }
        vectorActivations = plan.vectorSteps.map { FloatStorage(count: capacity * $0.outCount) }
        let imageWidth = max(plan.inputCount, plan.imageSteps.map(\.outCount).max() ?? 0)
        imageGradients = [FloatStorage(count: imageWidth), FloatStorage(count: imageWidth)]
        let vectorWidth = max(plan.featureCount, plan.vectorSteps.map(\.outCount).max() ?? 0)
        vectorGradients = [FloatStorage(count: capacity * vectorWidth), FloatStorage(count: capacity * vectorWidth)]
        var packedCount = 0
        blocked = plan.imageSteps.map { step in
            guard case let .convolution(g, _) = step else { return nil }
            return BlockedConvolutionSteps(g, packedCount: &packedCount)
        }
        packed = FloatStorage(count: packedCount)
        let layouts = blocked.flatMap { steps in [steps?.layout, steps?.inputGradient?.layout].compactMap { $0 } }
        let winograd = blocked.flatMap { steps in [steps?.winograd?.layout, steps?.winogradInputGradient?.layout].compactMap { $0 } }
        scratch = FloatStorage(count: max(plan.convolutionScratch, (layouts.map(\.paddedCount) + winograd.map(\.scratchCount)).max() ?? 0))
        blockedOutput = FloatStorage(count: (layouts.map(\.outputCount) + winograd.map(\.productCount)).max() ?? 0)
        gradients = FloatStorage(count: plan.parameterCount)
        digitSumScratch = DoubleStorage(count: plan.digitSumScratch)
    }

    /// Forward and backward over `rows` images, `capacity` at a time: overwrites `gradients` with
    /// the gradient of `scale × Σ loss` over these images, and returns their summed loss and correct count.
    func run(
        parameters: UnsafePointer<Float>, images: UnsafePointer<Float>, labels: UnsafePointer<Int>, rows: Int, scale: Float
    ) -> (lossSum: Double, correct: Int) {
        zeroGradientsExceptDenseWeights()
        for (step, blocked) in zip(plan.imageSteps, blocked) {
            guard case let .convolution(g, _) = step, let blocked else { continue }
            if let offset = blocked.forwardWeights {
                packConvolutionWeights(g, parameters: parameters, into: packed.base + offset)
            }
            if let (_, offset) = blocked.winograd {
                packWinogradWeights(g, parameters: parameters, into: packed.base + offset)
            }
            if let (_, _, offset) = blocked.inputGradient {
                packInputGradientWeights(g, parameters: parameters, into: packed.base + offset)
            }
            if let (transposed, _, offset) = blocked.winogradInputGradient {
                // dInput convolves dOutput with the flipped weights, input and output channels swapped.
                packWinogradWeights(transposed, into: packed.base + offset) { o, c, i, j in
                    parameters[g.weight + ((c * g.inChannels + o) * 3 + 2 - i) * 3 + 2 - j]
                }
            }
        }
        var lossSum = 0.0, correct = 0
        for start in stride(from: 0, to: rows, by: capacity) {
            let part = accumulate(parameters: parameters, images: images + start * plan.inputCount, labels: labels + start,
                                  rows: min(capacity, rows - start), scale: scale, first: start == 0)
            lossSum += part.lossSum
            correct += part.correct
        }
        return (lossSum, correct)
    }

    /// Zeroes `gradients` except the linear layers' weights, which the first micro-batch of a
    /// run overwrites (8 MB of the seed network's 8.1 MB need no separate pass).
    private func zeroGradientsExceptDenseWeights() {
        var next = 0
        for step in plan.vectorSteps {
            guard case let .dense(g, _) = step, g.weight >= next else { continue }
            (gradients.base + next).update(repeating: 0, count: g.weight - next)
            next = g.weight + g.inFeatures * g.outFeatures
        }
        (gradients.base + next).update(repeating: 0, count: plan.parameterCount - next)
    }

    /// Forward and backward over at most `capacity` images, adding their gradient to `gradients`
    /// (the first micro-batch of a run writes the linear layers' weight gradients instead).
    private func accumulate(
        parameters: UnsafePointer<Float>, images: UnsafePointer<Float>, labels: UnsafePointer<Int>, rows: Int, scale: Float,
        first: Bool
    ) -> (lossSum: Double, correct: Int) {
        forwardImages(parameters: parameters, images: images, rows: rows)
        let features = plan.imageSteps.isEmpty ? images : UnsafePointer(imageActivations.last!.base)
        forwardVectors(parameters: parameters, features: features, rows: rows)
        let logits = vectorActivations.last!.base
        let result = softmaxCrossEntropy(logits: logits, labels: labels, rows: rows, classes: plan.classes,
                                         scale: scale, gradient: vectorGradients[0].base)
        let featureGradient = backwardVectors(parameters: parameters, features: features, rows: rows, first: first)
        backwardImages(parameters: parameters, images: images, featureGradient: featureGradient, rows: rows)
        return result
    }

    private func forwardImages(parameters: UnsafePointer<Float>, images: UnsafePointer<Float>, rows: Int) {
        for image in 0..<rows {
            var source = images + image * plan.inputCount
            for (index, step) in plan.imageSteps.enumerated() {
                let target = imageActivations[index].base + image * step.outCount
                switch step {
                case let .convolution(g, relu):
                    if let (layout, offset) = blocked[index]?.winograd {
                        winogradConvolution(g, layout: layout, packedWeights: packed.base + offset, bias: parameters + g.bias,
                                            relu: relu, input: source, scratch: scratch.base, products: blockedOutput.base,
                                            output: target)
                    } else if let blocked = blocked[index], let offset = blocked.forwardWeights {
                        blockedConvolution(g, layout: blocked.layout, packedWeights: packed.base + offset, input: source,
                                           padded: scratch.base, output: blockedOutput.base)
                        unpackBlocked(g, layout: blocked.layout, raw: blockedOutput.base, bias: parameters + g.bias, relu: relu,
                                      output: target)
                    } else {
                        convolutionForward(g, epilogue: relu ? .biasRelu : .bias, parameters: parameters, input: source, output: target,
                                           scratch: scratch.base)
                    }
                case let .maxPool(g):
                    maxPoolForward(g, input: source, output: target, argmax: argmax[index].base + image * step.outCount)
                case let .relu(n):
                    reluForward(source, target, count: n)
                }
                source = UnsafePointer(target)
            }
        }
    }

    private func forwardVectors(parameters: UnsafePointer<Float>, features: UnsafePointer<Float>, rows: Int) {
        var source = features
        for (index, step) in plan.vectorSteps.enumerated() {
            let target = vectorActivations[index].base
            switch step {
            case let .dense(g, relu):
                blockedDenseForward(g, relu: relu, parameters: parameters, input: source, output: target, rows: rows)
            case let .relu(n):
                reluForward(source, target, count: n * rows)
            case let .digitSum(g):
                digitSumForward(g, input: source, output: target, rows: rows, scratch: digitSumScratch.base)
            }
            source = UnsafePointer(target)
        }
    }

    /// Back from the logits gradient in `vectorGradients[0]`; returns the features' gradient
    /// (`[rows, featureCount]`), or nil when the features are the raw images.
    private func backwardVectors(
        parameters: UnsafePointer<Float>, features: UnsafePointer<Float>, rows: Int, first: Bool
    ) -> UnsafeMutablePointer<Float>? {
        var current = 0
        for index in plan.vectorSteps.indices.reversed() {
            let output = vectorGradients[current].base
            let activation = UnsafePointer(vectorActivations[index].base)
            let input = index == 0 ? features : UnsafePointer(vectorActivations[index - 1].base)
            let needsInputGradient = index > 0 || !plan.imageSteps.isEmpty
            switch plan.vectorSteps[index] {
            case let .dense(g, relu):
                if relu { reluMask(output, activation: activation, count: rows * g.outFeatures) }
                let target = needsInputGradient ? vectorGradients[1 - current].base : nil
                denseBackward(g, parameters: parameters, gradients: gradients.base, input: input,
                              outputGradient: output, inputGradient: target, rows: rows, accumulateWeights: !first)
                current = 1 - current
            case let .relu(n):
                reluMask(output, activation: activation, count: rows * n)
            case let .digitSum(g):
                guard needsInputGradient else { continue }
                digitSumBackward(g, input: input, outputGradient: output, inputGradient: vectorGradients[1 - current].base,
                                 rows: rows, scratch: digitSumScratch.base)
                current = 1 - current
            }
        }
        return plan.imageSteps.isEmpty ? nil : vectorGradients[current].base
    }

    /// Bias, weight and (if `inputGradient` is given) input gradients of one convolution for one image.
    private func convolutionBackward(
        _ g: ConvolutionGeometry, steps: BlockedConvolutionSteps, parameters: UnsafePointer<Float>, input: UnsafePointer<Float>,
        outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?
    ) {
        convolutionBiasGradient(g, outputGradient: outputGradient, gradients: gradients.base)
        if steps.blockedWeightGradient {
            padInput(g, layout: steps.layout, input: input, padded: scratch.base)
            spreadGradient(g, layout: steps.layout, dense: outputGradient, into: blockedOutput.base)
            blockedWeightGradient(g, layout: steps.layout, outputGradient: blockedOutput.base, padded: scratch.base,
                                  gradients: gradients.base)
        } else {
            convolutionWeightGradient(g, input: input, outputGradient: outputGradient, gradients: gradients.base, columns: scratch.base)
        }
        guard let inputGradient else { return }
        if let (transposed, layout, offset) = steps.winogradInputGradient {
            winogradConvolution(transposed, layout: layout, packedWeights: packed.base + offset, bias: nil, relu: false,
                                input: outputGradient, scratch: scratch.base, products: blockedOutput.base, output: inputGradient)
        } else if let (transposed, layout, offset) = steps.inputGradient {
            blockedConvolution(transposed, layout: layout, packedWeights: packed.base + offset, input: outputGradient,
                               padded: scratch.base, output: blockedOutput.base)
            unpackBlocked(transposed, layout: layout, raw: blockedOutput.base, bias: nil, relu: false, output: inputGradient)
        } else {
            convolutionInputGradient(g, parameters: parameters, outputGradient: outputGradient, inputGradient: inputGradient,
                                     columns: scratch.base)
        }
    }

    private func backwardImages(parameters: UnsafePointer<Float>, images: UnsafePointer<Float>, featureGradient: UnsafeMutablePointer<Float>?, rows: Int) {
        guard let featureGradient else { return }
        for image in 0..<rows {
            var output = featureGradient + image * plan.featureCount
            var next = 0
            for index in plan.imageSteps.indices.reversed() {
                let step = plan.imageSteps[index]
                let activation = UnsafePointer(imageActivations[index].base + image * step.outCount)
                let input = index == 0
                    ? images + image * plan.inputCount
                    : UnsafePointer(imageActivations[index - 1].base + image * plan.imageSteps[index - 1].outCount)
                let target = imageGradients[next].base
                switch step {
                case let .convolution(g, relu):
                    if relu { reluMask(output, activation: activation, count: g.outCount) }
                    convolutionBackward(g, steps: blocked[index]!, parameters: parameters, input: input, outputGradient: output,
                                        inputGradient: index == 0 ? nil : target)
                case let .maxPool(g):
                    maxPoolBackward(g, argmax: argmax[index].base + image * step.outCount, outputGradient: output, inputGradient: target)
                case let .relu(n):
                    reluMask(output, activation: activation, count: n)
                    continue
                }
                output = target
                next = 1 - next
            }
        }
    }
}

/// Which parts of one convolution layer run on the blocked or Winograd kernels, and where their
/// packed weights live in the workspace's `packed` buffer.
struct BlockedConvolutionSteps {
    /// The forward kernel's layout (also used by the weight gradient).
    var layout: BlockedLayout
    /// Offset of the packed forward weights, if the forward pass is blocked.
    var forwardWeights: Int?
    /// The forward pass by Winograd (3×3 layers on even sizes), instead of blocked.
    var winograd: (layout: WinogradLayout, weights: Int)?
    var blockedWeightGradient: Bool
    /// The dInput convolution, its layout and the offset of its packed weights, if blocked.
    var inputGradient: (geometry: ConvolutionGeometry, layout: BlockedLayout, weights: Int)?
    /// dInput by Winograd, instead of blocked.
    var winogradInputGradient: (geometry: ConvolutionGeometry, layout: WinogradLayout, weights: Int)?

    init(_ g: ConvolutionGeometry, packedCount: inout Int) {
        layout = BlockedLayout(g)
        if WinogradLayout.applies(to: g) {
            let winogradLayout = WinogradLayout(g)
            winograd = (winogradLayout, packedCount)
            packedCount += winogradLayout.weightCount
        } else if BlockedLayout.applies(to: g) {
            forwardWeights = packedCount
            packedCount += g.patchSize * g.outChannels
        }
        blockedWeightGradient = blockedWeightGradientApplies(g)
        let transposed = inputGradientGeometry(g)
        if WinogradLayout.applies(to: transposed) {
            let winogradLayout = WinogradLayout(transposed)
            winogradInputGradient = (transposed, winogradLayout, packedCount)
            packedCount += winogradLayout.weightCount
        } else if blockedInputGradientApplies(g) {
            inputGradient = (transposed, BlockedLayout(transposed), packedCount)
            packedCount += transposed.patchSize * transposed.outChannels
        }
    }
}
