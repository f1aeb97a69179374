import KernelInterface

/// A step applied to one image (`[C, H, W]`) at a time.
enum ImageStep: Sendable {
    /// Convolution plus bias, followed by ReLU when `relu` (the architecture's next layer).
    case convolution(ConvolutionGeometry, relu: Bool)
    case maxPool(PoolGeometry)
    case relu(count: Int)

    var outCount: Int {
        switch self {
        case let .convolution(g, _): return g.outCount
        case let .maxPool(g): return g.outCount
        case let .relu(count): return count
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
        case let .dense(g, _): return g.outFeatures
        case let .relu(count): return count
        case let .digitSum(g): return g.classes
        }
    }
}

/// An `Architecture` compiled for execution: per-image steps up to the first flatten, then
/// batched vector steps, with each ReLU fused into the convolution or linear layer before it.
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
        inputCount = architecture.inputHeight * architecture.inputWidth
        imageSteps = []
        vectorSteps = []
        parameterCount = architecture.parameterCount
        classes = shapes.last?.count ?? 0
        var shape = SampleShape.image(channels: 1, height: architecture.inputHeight, width: architecture.inputWidth)
        var offset = 0
        var flattened = false
        for (layer, outShape) in zip(architecture.layers, shapes) {
            switch (layer, shape, outShape) {
            case let (.conv2d(_, cin, cout, k, p), .image(_, h, w), .image(_, oh, ow)):
                let g = ConvolutionGeometry(inChannels: cin, outChannels: cout, kernel: k, padding: p, inHeight: h, inWidth: w,
                                            outHeight: oh, outWidth: ow, weight: offset, bias: offset + cout * cin * k * k)
                offset = g.bias + cout
                imageSteps.append(.convolution(g, relu: false))
            case let (.maxPool2d(k), .image(c, h, w), .image(_, oh, ow)):
                imageSteps.append(.maxPool(PoolGeometry(channels: c, kernel: k, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow)))
            case (.relu, _, _) where !flattened:
                if case let .convolution(g, false)? = imageSteps.last {
                    imageSteps[imageSteps.count - 1] = .convolution(g, relu: true)
                } else {
                    imageSteps.append(.relu(count: shape.count))
                }
            case (.relu, _, _):
                if case let .dense(g, false)? = vectorSteps.last {
                    vectorSteps[vectorSteps.count - 1] = .dense(g, relu: true)
                } else {
                    vectorSteps.append(.relu(count: shape.count))
                }
            case (.flatten, _, _):
                flattened = true
            case let (.linear(_, fin, fout), _, _):
                flattened = true
                let g = DenseGeometry(inFeatures: fin, outFeatures: fout, weight: offset, bias: offset + fin * fout)
                offset = g.bias + fout
                vectorSteps.append(.dense(g, relu: false))
            case let (.digitSum(classes), .image(_, h, w), _):
                flattened = true
                vectorSteps.append(.digitSum(DigitSumGeometry(locations: h * w, classes: classes)))
            default:
                throw EngineError("layer \(layer) cannot follow a sample of shape \(shape)")
            }
            shape = outShape
        }
        featureCount = imageSteps.last?.outCount ?? inputCount
        precondition(offset == parameterCount, "parameter offsets disagree with Architecture.parameters")
    }

    /// Doubles of scratch the largest digit-sum head needs for one image.
    var digitSumScratch: Int {
        vectorSteps.reduce(0) { result, step in
            guard case let .digitSum(g) = step else { return result }
            return max(result, g.scratchCount)
        }
    }
}
