import KernelInterface

/// A per-image inference step: a convolution (with the ReLU after it) run as its
/// `ConvolutionPlan` says, or a convolution + bias + ReLU + max-pool fused into one pass, or a
/// max-pool or ReLU that did not fuse.
enum InferenceStep: Sendable {
    case maxPool(MaxPoolStep)
    case relu(ReLUStep)
    /// Convolution + bias (+ ReLU), dense output; packed weights at this offset.
    case convolution(ConvolutionPlan, relu: Bool, packedOffset: Int)
    /// Convolution + bias + ReLU + max-pool in one pass (`ConvolutionPlan.forwardPooled`): the dense
    /// convolution is never written.
    case convolutionPool(ConvolutionPlan, PoolGeometry, packedOffset: Int)

    /// The convolution plan of a convolution step.
    var convolution: ConvolutionPlan? {
        switch self {
        case .maxPool, .relu: nil
        case .convolution(let plan, _, _), .convolutionPool(let plan, _, _): plan
        }
    }

    /// The fused steps, and the packed weights their convolutions read.
    static func fuse(_ steps: [ImageStep], kernels: any KernelSet.Type, parameters: [Float]) -> ([InferenceStep], [Float]) {
        var result: [InferenceStep] = []
        var packed: [Float] = []
        func pack(_ plan: ConvolutionPlan) -> Int {
            let offset = packed.count
            packed += [Float](repeating: 0, count: plan.forwardWeightCount)
            parameters.withUnsafeBufferPointer { source in
                packed.withUnsafeMutableBufferPointer {
                    plan.packForwardWeights(kernels, parameters: source.baseAddress!, into: $0.baseAddress! + offset)
                }
            }
            return offset
        }
        var index = 0
        while index < steps.count {
            switch steps[index] {
            case .convolution(let convolution):
                let relu = convolution.relu
                var pool: PoolGeometry?
                if relu, index + 1 < steps.count, case .maxPool(let next) = steps[index + 1] { pool = next.geometry }
                let plan = ConvolutionPlan(convolution.geometry, inferencePool: pool)
                let offset = pack(plan)
                if let pool, plan.fusesPool(pool) {
                    result.append(.convolutionPool(plan, pool, packedOffset: offset))
                    index += 2
                } else {
                    result.append(.convolution(plan, relu: relu, packedOffset: offset))
                    index += 1
                }
            case .maxPool(let pool):
                result.append(.maxPool(pool))
                index += 1
            case .relu(let relu):
                result.append(.relu(relu))
                index += 1
            }
        }
        return (result, packed)
    }

    /// Runs this step on one image from `input` to `output`.
    func forward(
        _ c: StepContext, packed: UnsafePointer<Float>?, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>
    ) {
        switch self {
        case .maxPool(let pool):
            pool.forward(c, input: input, output: output, argmax: nil)
        case .relu(let relu):
            relu.forward(c, input: input, output: output)
        case .convolution(let plan, let relu, let offset):
            plan.forward(
                c.kernels, parameters: c.parameters, packed: packed.map { $0 + offset }, relu: relu, input: input,
                scratch: c.scratch, raw: c.raw, output: output)
        case .convolutionPool(let plan, let pool, let offset):
            plan.forwardPooled(
                c.kernels, pool: pool, parameters: c.parameters, packed: packed.map { $0 + offset }, input: input,
                scratch: c.scratch, raw: c.raw, output: output)
        }
    }
}
