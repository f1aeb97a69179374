/// `nn.ReLU()`.
struct ReLU: LayerKind {
    static let typeName = "relu"
    init() {}
    init(json: LayerJSON) throws {}
    var jsonFields: [String: Any] { [:] }
    var layer: Layer { .relu }
    var description: String { "ReLU()" }

    func outputShape(_ input: SampleShape) throws -> SampleShape { input }

    /// Fused into the convolution or linear layer before it when there is one, else a step of its own.
    func compile(into plan: inout NetworkPlan.Builder, input: SampleShape, output: SampleShape) {
        plan.appendReLU(count: input.count)
    }
}

/// A ReLU as the engine runs it when it did not fuse into the layer before it.
struct ReLUStep: Sendable {
    /// Floats per sample.
    let count: Int

    /// `max(0, x)` over `samples` samples.
    func forward(_ c: StepContext, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, samples: Int = 1) {
        c.kernels.reluForward(input, output, count: count * samples)
    }

    /// Zeroes the gradient, in place, where the activation was not positive.
    func backward(
        _ c: StepContext, activation: UnsafePointer<Float>, outputGradient: UnsafeMutablePointer<Float>, samples: Int = 1
    ) {
        c.kernels.reluMask(outputGradient, activation: activation, count: count * samples)
    }
}
