import KernelInterface

/// A step applied to one image (`[C, H, W]`) at a time.
enum ImageStep: Sendable {
    /// Convolution plus bias, followed by ReLU when `relu` (the architecture's next layer).
    case convolution(ConvolutionGeometry, relu: Bool)
    case maxPool(PoolGeometry)
    case relu(count: Int)

    var outCount: Int {
        switch self {
        case .convolution(let g, _): return g.outCount
        case .maxPool(let g): return g.outCount
        case .relu(let count): return count
        }
    }
}

/// A step applied to a batch of feature vectors (`[N, features]`) at once.
enum VectorStep: Sendable {
    /// Linear layer, followed by ReLU when `relu` (the architecture's next layer).
    case dense(DenseGeometry, relu: Bool)
    case relu(count: Int)
    /// `[11, L]` logits per sample → log-probabilities of the sum (`DigitSumKernels.swift`).
    case digitSum(DigitSumGeometry)

    var outCount: Int {
        switch self {
        case .dense(let g, _): return g.outFeatures
        case .relu(let count): return count
        case .digitSum(let g): return g.classes
        }
    }
}

/// An `Architecture` compiled for execution: per-image steps up to the first flatten, then
/// batched vector steps, with each ReLU fused into the convolution or linear layer before it.
/// Each layer kind appends its own steps (`Layers/`).
///
/// In NCHW a flatten is free: the last image step's output rows are the feature vectors.
struct NetworkPlan: Sendable {
    var inputCount: Int
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
        inputCount = architecture.inputHeight * architecture.inputWidth
        imageSteps = builder.imageSteps
        vectorSteps = builder.vectorSteps
        featureCount = imageSteps.last?.outCount ?? inputCount
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
                if case .convolution(let g, false)? = imageSteps.last {
                    imageSteps[imageSteps.count - 1] = .convolution(g, relu: true)
                } else {
                    imageSteps.append(.relu(count: count))
                }
            } else if case .dense(let g, false)? = vectorSteps.last {
                vectorSteps[vectorSteps.count - 1] = .dense(g, relu: true)
            } else {
                vectorSteps.append(.relu(count: count))
            }
        }
    }

    /// Doubles of scratch the largest digit-sum head needs for one image.
    var digitSumScratch: Int {
        vectorSteps.reduce(0) { result, step in
            guard case .digitSum(let g) = step else { return result }
            return max(result, g.scratchCount)
        }
    }
}
