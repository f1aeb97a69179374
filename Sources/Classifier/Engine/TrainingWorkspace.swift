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
    /// Per image step: where a convolution's packed weights start in `packed` (nil: not a convolution).
    let packedOffsets: [Int?]
    /// Packed weights of the convolutions, refreshed from the parameters at the start of each `run`.
    let packed: FloatStorage
    /// A blocked kernel's raw output or Winograd's products, or a gradient spread into the blocked layout.
    let rawOutput: FloatStorage
    /// This worker's gradient arena, in `Parameters` order.
    let gradients: FloatStorage
    /// The digit-sum head's per-image scratch.
    let digitSumScratch: DoubleStorage
    /// The digit-sum head's cells, if the network has one.
    let cells: BlankCells?
    /// Each cell's weight on P(cell holds a digit) in the loss, `[capacity, cells]`.
    let cellPenalties: DoubleStorage

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
        packedOffsets = plan.imageSteps.map { step in
            guard case .convolution(let convolution) = step else { return nil }
            defer { packedCount += convolution.packedWeightCount }
            return packedCount
        }
        packed = FloatStorage(count: packedCount)
        let plans = plan.imageSteps.compactMap { step -> ConvolutionPlan? in
            guard case .convolution(let convolution) = step else { return nil }
            return convolution.plan
        }
        scratch = FloatStorage(count: plans.map { $0.scratchCount(training: true) }.max() ?? 0)
        rawOutput = FloatStorage(count: plans.map { $0.rawOutputCount(training: true) }.max() ?? 0)
        gradients = FloatStorage(count: plan.parameterCount)
        digitSumScratch = DoubleStorage(count: plan.digitSumScratch)
        let head = plan.vectorSteps.lazy.compactMap { step -> DigitSumStep? in
            if case .digitSum(let head) = step { return head }
            return nil
        }.first
        cells = head.map {
            BlankCells(imageHeight: plan.inputHeight, imageWidth: plan.inputWidth, gridHeight: $0.gridHeight, gridWidth: $0.gridWidth)
        }
        cellPenalties = DoubleStorage(count: capacity * (head?.geometry.locations ?? 0))
    }

    /// Forward and backward over the images of `groups` (their pieces are the rows of `images`,
    /// and each has one label), `capacity` rows at a time: overwrites `gradients` with the gradient
    /// of `scale × Σ loss` over these images (`loss`'s terms), and returns their summed
    /// cross-entropy and correct count.
    func run(
        parameters: UnsafePointer<Float>, images: UnsafePointer<Float>, labels: UnsafePointer<Int>, groups: PieceGroups,
        scale: Float, loss: TrainingLoss
    ) -> (lossSum: Double, correct: Int) {
        zeroGradientsExceptDenseWeights()
        let context = StepContext(
            kernels: kernels, parameters: parameters, scratch: scratch.base, raw: rawOutput.base,
            digitSumScratch: digitSumScratch.base)
        for (step, offset) in zip(plan.imageSteps, packedOffsets) {
            guard case .convolution(let convolution) = step, let offset else { continue }
            convolution.packWeights(context, into: packed.base + offset)
        }
        var lossSum = 0.0
        var correct = 0
        var group = 0
        var row = 0
        while group < groups.count {
            // As many whole images as fit in `capacity` rows.
            var taken = 0
            var rows = 0
            while group + taken < groups.count, rows + groups.pieces(group + taken) <= capacity {
                rows += groups.pieces(group + taken)
                taken += 1
            }
            precondition(taken > 0, "an image of \(groups.pieces(group)) pieces exceeds \(capacity) rows")
            let part = accumulate(
                context, images: images + row * plan.inputCount, labels: labels + group,
                groups: groups.dropFirst(group, count: taken), rows: rows, scale: scale, loss: loss, first: group == 0)
            lossSum += part.lossSum
            correct += part.correct
            group += taken
            row += rows
        }
        return (lossSum, correct)
    }

    /// Zeroes `gradients` except the linear layers' weights, which the first micro-batch of a
    /// run overwrites (8 MB of the seed network's 8.1 MB need no separate pass).
    private func zeroGradientsExceptDenseWeights() {
        var next = 0
        for step in plan.vectorSteps {
            guard case .dense(let dense) = step, dense.geometry.weight >= next else { continue }
            let g = dense.geometry
            (gradients.base + next).update(repeating: 0, count: g.weight - next)
            next = g.weight + g.inFeatures * g.outFeatures
        }
        (gradients.base + next).update(repeating: 0, count: plan.parameterCount - next)
    }

    /// Forward and backward over the images of `groups` (`rows` ≤ `capacity` rows of pieces),
    /// adding their gradient to `gradients` (the first micro-batch of a run writes the linear
    /// layers' weight gradients instead).
    private func accumulate(
        _ context: StepContext, images: UnsafePointer<Float>, labels: UnsafePointer<Int>, groups: PieceGroups, rows: Int,
        scale: Float, loss: TrainingLoss, first: Bool
    ) -> (lossSum: Double, correct: Int) {
        forwardImages(context, images: images, rows: rows)
        let features = plan.imageSteps.isEmpty ? images : UnsafePointer(imageActivations.last!.base)
        forwardVectors(context, features: features, rows: rows, groups: groups)
        let logits = vectorActivations.last!.base
        let result = softmaxCrossEntropy(
            logits: logits, labels: labels, rows: groups.count, classes: plan.classes,
            scale: scale, smoothing: loss.labelSmoothing, gradient: vectorGradients[0].base)
        let penalties = fillCellPenalties(images: images, rows: rows, scale: scale, loss: loss)
        let featureGradient = backwardVectors(
            context, features: features, rows: rows, groups: groups, first: first, cellPenalties: penalties)
        backwardImages(context, images: images, featureGradient: featureGradient, rows: rows)
        return result
    }

    /// Each cell's weight in the loss, `scale` × (λ, plus the blank-cell λ where it has no ink
    /// near it), in `cellPenalties`; nil when the loss has no cell terms.
    private func fillCellPenalties(images: UnsafePointer<Float>, rows: Int, scale: Float, loss: TrainingLoss) -> UnsafePointer<Double>? {
        guard loss.penalisesCells, let cells else { return nil }
        let count = cells.gridHeight * cells.gridWidth
        let (base, blank) = (Double(scale) * Double(loss.cellPenalty), Double(scale) * Double(loss.blankCellPenalty))
        for row in 0..<rows {
            let weights = cellPenalties.base + row * count
            if blank > 0 {
                cells.mark(image: images + row * plan.inputCount, into: weights)
                for cell in 0..<count { weights[cell] = base + blank * weights[cell] }
            } else {
                weights.update(repeating: base, count: count)
            }
        }
        return UnsafePointer(cellPenalties.base)
    }

    private func forwardImages(_ context: StepContext, images: UnsafePointer<Float>, rows: Int) {
        for image in 0..<rows {
            var source = images + image * plan.inputCount
            for (index, step) in plan.imageSteps.enumerated() {
                let target = imageActivations[index].base + image * step.outCount
                switch step {
                case .convolution(let convolution):
                    convolution.forward(context, packed: packed.base + packedOffsets[index]!, input: source, output: target)
                case .maxPool(let pool):
                    pool.forward(context, input: source, output: target, argmax: argmax[index].base + image * step.outCount)
                case .relu(let relu):
                    relu.forward(context, input: source, output: target)
                }
                source = UnsafePointer(target)
            }
        }
    }

    /// The vector steps over `rows` rows; a digit-sum head outputs one row per group of `groups`
    /// (only a digit-sum network trains on pieces, and its head is its only vector step).
    private func forwardVectors(_ context: StepContext, features: UnsafePointer<Float>, rows: Int, groups: PieceGroups) {
        var source = features
        for (index, step) in plan.vectorSteps.enumerated() {
            let target = vectorActivations[index].base
            switch step {
            case .dense(let dense): dense.forward(context, input: source, output: target, rows: rows)
            case .relu(let relu): relu.forward(context, input: source, output: target, samples: rows)
            case .digitSum(let head): head.forward(context, input: source, output: target, groups: groups)
            }
            source = UnsafePointer(target)
        }
    }

    /// Back from the logits gradient in `vectorGradients[0]`; returns the features' gradient
    /// (`[rows, featureCount]`), or nil when the features are the raw images.
    private func backwardVectors(
        _ context: StepContext, features: UnsafePointer<Float>, rows: Int, groups: PieceGroups, first: Bool,
        cellPenalties: UnsafePointer<Double>?
    ) -> UnsafeMutablePointer<Float>? {
        var current = 0
        for index in plan.vectorSteps.indices.reversed() {
            let output = vectorGradients[current].base
            let activation = UnsafePointer(vectorActivations[index].base)
            let input = index == 0 ? features : UnsafePointer(vectorActivations[index - 1].base)
            let needsInputGradient = index > 0 || !plan.imageSteps.isEmpty
            let target = vectorGradients[1 - current].base
            switch plan.vectorSteps[index] {
            case .dense(let dense):
                dense.backward(
                    context, gradients: gradients.base, input: input, activation: activation, outputGradient: output,
                    inputGradient: needsInputGradient ? target : nil, rows: rows, accumulateWeights: !first)
            case .relu(let relu):
                relu.backward(context, activation: activation, outputGradient: output, samples: rows)
                continue
            case .digitSum(let head):
                guard needsInputGradient else { continue }
                head.backward(
                    context, input: input, outputGradient: output, inputGradient: target, groups: groups,
                    cellPenalties: cellPenalties)
            }
            current = 1 - current
        }
        return plan.imageSteps.isEmpty ? nil : vectorGradients[current].base
    }

    private func backwardImages(
        _ context: StepContext, images: UnsafePointer<Float>, featureGradient: UnsafeMutablePointer<Float>?, rows: Int
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
                case .convolution(let convolution):
                    convolution.backward(
                        context, packed: packed.base + packedOffsets[index]!, gradients: gradients.base, input: input,
                        activation: activation, outputGradient: output, inputGradient: index == 0 ? nil : target)
                case .maxPool(let pool):
                    pool.backward(
                        context, argmax: argmax[index].base + image * step.outCount, outputGradient: output, inputGradient: target)
                case .relu(let relu):
                    relu.backward(context, activation: activation, outputGradient: output)
                    continue
                }
                output = target
                next = 1 - next
            }
        }
    }
}
