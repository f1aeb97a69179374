import KernelInterface

/// One training worker's buffers: the activations of up to `capacity` images kept for the backward
/// pass, its own gradient arena, and scratch. A larger shard runs in micro-batches of `capacity`
/// whose gradients add up (this bounds memory: ~1.1 MB of activations per image for the seed net).
/// Built once; the step loops never allocate.
///
/// Used by one worker thread at a time (`@unchecked Sendable` only so it can be handed to that thread).
final class TrainingWorkspace: @unchecked Sendable {
    let kernels: any KernelSet.Type
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
    /// Per image step: how a convolution runs, and where its packed forward and input-gradient
    /// weights start in `packed` (nil: not a convolution).
    let convolutions: [(plan: ConvolutionPlan, forwardWeights: Int, inputGradientWeights: Int)?]
    /// Packed weights of the convolutions, refreshed from the parameters at the start of each `run`.
    let packed: FloatStorage
    /// A blocked kernel's raw output or Winograd's products, or a gradient spread into the blocked layout.
    let rawOutput: FloatStorage
    /// This worker's gradient arena, in `Parameters` order.
    let gradients: FloatStorage
    /// The digit-sum head's per-image scratch.
    let digitSumScratch: DoubleStorage

    init(plan: NetworkPlan, kernels: any KernelSet.Type, capacity: Int) {
        self.kernels = kernels
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
        convolutions = plan.imageSteps.map { step in
            guard case .convolution(let g, _) = step else { return nil }
            let convolution = ConvolutionPlan(g)
            let forward = packedCount
            packedCount += convolution.forwardWeightCount
            let inputGradient = packedCount
            packedCount += convolution.inputGradientWeightCount
            return (convolution, forward, inputGradient)
        }
        packed = FloatStorage(count: packedCount)
        let plans = convolutions.compactMap { $0?.plan }
        scratch = FloatStorage(count: plans.map { $0.scratchCount(training: true) }.max() ?? 0)
        rawOutput = FloatStorage(count: plans.map { $0.rawOutputCount(training: true) }.max() ?? 0)
        gradients = FloatStorage(count: plan.parameterCount)
        digitSumScratch = DoubleStorage(count: plan.digitSumScratch)
    }

    /// Forward and backward over `rows` images, `capacity` at a time: overwrites `gradients` with
    /// the gradient of `scale × Σ loss` over these images (cross-entropy with label `smoothing`),
    /// and returns their summed loss and correct count.
    func run(
        parameters: UnsafePointer<Float>, images: UnsafePointer<Float>, labels: UnsafePointer<Int>, rows: Int, scale: Float,
        smoothing: Float
    ) -> (lossSum: Double, correct: Int) {
        zeroGradientsExceptDenseWeights()
        for case (let plan, let forward, let inputGradient)? in convolutions {
            plan.packForwardWeights(kernels, parameters: parameters, into: packed.base + forward)
            plan.packInputGradientWeights(kernels, parameters: parameters, into: packed.base + inputGradient)
        }
        var lossSum = 0.0
        var correct = 0
        for start in stride(from: 0, to: rows, by: capacity) {
            let part = accumulate(
                parameters: parameters, images: images + start * plan.inputCount, labels: labels + start,
                rows: min(capacity, rows - start), scale: scale, smoothing: smoothing, first: start == 0)
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
            guard case .dense(let g, _) = step, g.weight >= next else { continue }
            (gradients.base + next).update(repeating: 0, count: g.weight - next)
            next = g.weight + g.inFeatures * g.outFeatures
        }
        (gradients.base + next).update(repeating: 0, count: plan.parameterCount - next)
    }

    /// Forward and backward over at most `capacity` images, adding their gradient to `gradients`
    /// (the first micro-batch of a run writes the linear layers' weight gradients instead).
    private func accumulate(
        parameters: UnsafePointer<Float>, images: UnsafePointer<Float>, labels: UnsafePointer<Int>, rows: Int, scale: Float,
        smoothing: Float, first: Bool
    ) -> (lossSum: Double, correct: Int) {
        forwardImages(parameters: parameters, images: images, rows: rows)
        let features = plan.imageSteps.isEmpty ? images : UnsafePointer(imageActivations.last!.base)
        forwardVectors(parameters: parameters, features: features, rows: rows)
        let logits = vectorActivations.last!.base
        let result = softmaxCrossEntropy(
            logits: logits, labels: labels, rows: rows, classes: plan.classes,
            scale: scale, smoothing: smoothing, gradient: vectorGradients[0].base)
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
                case .convolution(_, let relu):
                    let (convolution, offset, _) = convolutions[index]!
                    convolution.forward(
                        kernels, parameters: parameters, packed: packed.base + offset, relu: relu, input: source,
                        scratch: scratch.base, raw: rawOutput.base, output: target)
                case .maxPool(let g):
                    kernels.maxPoolForward(g, input: source, output: target, argmax: argmax[index].base + image * step.outCount)
                case .relu(let n):
                    kernels.reluForward(source, target, count: n)
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
            case .dense(let g, let relu):
                kernels.blockedDenseForward(g, relu: relu, parameters: parameters, input: source, output: target, rows: rows)
            case .relu(let n):
                kernels.reluForward(source, target, count: n * rows)
            case .digitSum(let g):
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
            case .dense(let g, let relu):
                if relu { kernels.reluMask(output, activation: activation, count: rows * g.outFeatures) }
                let target = needsInputGradient ? vectorGradients[1 - current].base : nil
                kernels.denseBackward(
                    g, parameters: parameters, gradients: gradients.base, input: input,
                    outputGradient: output, inputGradient: target, rows: rows, accumulateWeights: !first)
                current = 1 - current
            case .relu(let n):
                kernels.reluMask(output, activation: activation, count: rows * n)
            case .digitSum(let g):
                guard needsInputGradient else { continue }
                digitSumBackward(
                    g, input: input, outputGradient: output, inputGradient: vectorGradients[1 - current].base,
                    rows: rows, scratch: digitSumScratch.base)
                current = 1 - current
            }
        }
        return plan.imageSteps.isEmpty ? nil : vectorGradients[current].base
    }

    /// Bias, weight and (if `inputGradient` is given) input gradients of one convolution for one image.
    private func convolutionBackward(
        _ convolution: (plan: ConvolutionPlan, forwardWeights: Int, inputGradientWeights: Int), parameters: UnsafePointer<Float>,
        input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?
    ) {
        let plan = convolution.plan
        let g = plan.geometry
        kernels.convolutionBiasGradient(g, outputGradient: outputGradient, gradients: gradients.base)
        if let layout = plan.blockedWeightGradient {
            kernels.padInput(g, layout: layout, input: input, padded: scratch.base)
            kernels.spreadGradient(g, layout: layout, dense: outputGradient, into: rawOutput.base)
            kernels.blockedWeightGradient(
                g, layout: layout, outputGradient: rawOutput.base, padded: scratch.base,
                gradients: gradients.base)
        } else {
            kernels.convolutionWeightGradient(
                g, input: input, outputGradient: outputGradient, gradients: gradients.base,
                columns: scratch.base)
        }
        guard let inputGradient else { return }
        let weights = packed.base + convolution.inputGradientWeights
        switch plan.inputGradient {
        case .winograd(let transposed, let layout):
            kernels.winogradConvolution(
                transposed, layout: layout, packedWeights: weights, bias: nil, relu: false,
                input: outputGradient, scratch: scratch.base, products: rawOutput.base, output: inputGradient)
        case .blocked(let transposed, let layout):
            kernels.blockedConvolution(
                transposed, layout: layout, packedWeights: weights, input: outputGradient,
                padded: scratch.base, output: rawOutput.base)
            kernels.unpackBlocked(transposed, layout: layout, raw: rawOutput.base, bias: nil, relu: false, output: inputGradient)
        case .im2col:
            kernels.convolutionInputGradient(
                g, parameters: parameters, outputGradient: outputGradient, inputGradient: inputGradient,
                columns: scratch.base)
        }
    }

    private func backwardImages(
        parameters: UnsafePointer<Float>, images: UnsafePointer<Float>, featureGradient: UnsafeMutablePointer<Float>?, rows: Int
    ) {
        guard let featureGradient else { return }
        for image in 0..<rows {
            var output = featureGradient + image * plan.featureCount
            var next = 0
            for index in plan.imageSteps.indices.reversed() {
                let step = plan.imageSteps[index]
                let activation = UnsafePointer(imageActivations[index].base + image * step.outCount)
                let input =
                    index == 0
                    ? images + image * plan.inputCount
                    : UnsafePointer(imageActivations[index - 1].base + image * plan.imageSteps[index - 1].outCount)
                let target = imageGradients[next].base
                switch step {
                case .convolution(let g, let relu):
                    if relu { kernels.reluMask(output, activation: activation, count: g.outCount) }
                    convolutionBackward(
                        convolutions[index]!, parameters: parameters, input: input, outputGradient: output,
                        inputGradient: index == 0 ? nil : target)
                case .maxPool(let g):
                    kernels.maxPoolBackward(
                        g, argmax: argmax[index].base + image * step.outCount, outputGradient: output,
                        inputGradient: target)
                case .relu(let n):
                    kernels.reluMask(output, activation: activation, count: n)
                    continue
                }
                output = target
                next = 1 - next
            }
        }
    }
}
