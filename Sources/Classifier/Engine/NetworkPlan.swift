import KernelInterface

/// A step applied to one image (`[C, H, W]`) at a time; each kind's passes are in its layer's file.
enum ImageStep: Sendable {
    case convolution(ConvolutionStep)
    case maxPool(MaxPoolStep)
    case relu(ReLUStep)

    var outCount: Int {
        switch self {
        case .convolution(let step): step.geometry.outCount
        case .maxPool(let step): step.geometry.outCount
        case .relu(let step): step.count
        }
    }
}

/// A step applied to a batch of feature vectors (`[N, features]`) at once; each kind's passes
/// are in its layer's file.
enum VectorStep: Sendable {
    case dense(DenseStep)
    case relu(ReLUStep)
    /// `[11, L]` logits per sample → log-probabilities of the sum.
    case digitSum(DigitSumStep)

    var outCount: Int {
        switch self {
        case .dense(let step): step.geometry.outFeatures
        case .relu(let step): step.count
        case .digitSum(let step): step.geometry.classes
        }
    }
}

/// An `Architecture` compiled for execution: per-image steps up to the first flatten, then
/// batched vector steps, with each ReLU fused into the convolution or linear layer before it.
/// Each layer kind appends its own steps (`Layers/`).
///
/// In NCHW a flatten is free: the last image step's output rows are the feature vectors.
struct NetworkPlan: Sendable {
    var inputHeight: Int
    var inputWidth: Int
    var inputCount: Int { inputHeight * inputWidth }
    var imageSteps: [ImageStep]
    var vectorSteps: [VectorStep]
    /// Floats per sample entering the vector steps.
    var featureCount: Int
    var classes: Int
    var parameterCount: Int

    init(_ architecture: Architecture) throws {
        let shapes: [SampleShape]
        do { shapes = try architecture.shapes() } catch { throw EngineError("invalid architecture \(architecture.name): \(error)") }
        var builder = Builder()
        var input = SampleShape.image(channels: 1, height: architecture.inputHeight, width: architecture.inputWidth)
        for (layer, output) in zip(architecture.layers, shapes) {
            layer.kind.compile(into: &builder, input: input, output: output)
            input = output
        }
        precondition(builder.parameterOffset == architecture.parameterCount, "parameter offsets disagree with Architecture.parameters")
        inputHeight = architecture.inputHeight
        inputWidth = architecture.inputWidth
        imageSteps = builder.imageSteps
        vectorSteps = builder.vectorSteps
        featureCount = imageSteps.last?.outCount ?? architecture.inputHeight * architecture.inputWidth
        classes = shapes.last?.count ?? 0
        parameterCount = architecture.parameterCount
    }

    /// What the layers append their steps to, in order (see `LayerKind.compile(into:input:output:)`).
    struct Builder {
        var imageSteps: [ImageStep] = []
        var vectorSteps: [VectorStep] = []
        /// Whether the samples are feature vectors yet: the steps after a flatten run on the batch.
        var flattened = false
        /// Where the next layer's parameters start in the arena.
        private(set) var parameterOffset = 0

        /// Reserves `count` floats of the arena (weight, then bias) for the next layer; returns where they start.
        mutating func takeParameters(_ count: Int) -> Int {
            defer { parameterOffset += count }
            return parameterOffset
        }

        /// A ReLU of `count` floats per sample: fused into the convolution or linear step before it
        /// when that has none yet, else a step of its own.
        mutating func appendReLU(count: Int) {
            if !flattened {
                if case .convolution(var step)? = imageSteps.last, !step.relu {
                    step.relu = true
                    imageSteps[imageSteps.count - 1] = .convolution(step)
                } else {
                    imageSteps.append(.relu(ReLUStep(count: count)))
                }
            } else if case .dense(var step)? = vectorSteps.last, !step.relu {
                step.relu = true
                vectorSteps[vectorSteps.count - 1] = .dense(step)
            } else {
                vectorSteps.append(.relu(ReLUStep(count: count)))
            }
        }
    }

    /// Doubles of scratch the largest digit-sum head needs for one image of up to
    /// `InkPieces.maximum` pieces.
    var digitSumScratch: Int {
        vectorSteps.reduce(0) { result, step in
            guard case .digitSum(let head) = step else { return result }
            return max(result, head.geometry.scratchCount(pieces: InkPieces.maximum))
        }
    }
}
