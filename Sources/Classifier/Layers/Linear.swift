import KernelInterface

/// `nn.Linear(inFeatures, outFeatures)`, weight `[out, in]`.
public struct Linear: Sendable, Hashable, CustomStringConvertible, LayerKind {
    public var name: String
    public var inFeatures: Int
    public var outFeatures: Int

    public init(name: String, inFeatures: Int, outFeatures: Int) {
        self.name = name
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
    }

    static let typeName = "linear"

    init(json: LayerJSON) throws {
        self.init(name: try json.string("name"), inFeatures: try json.integer("in_features"), outFeatures: try json.integer("out_features"))
    }

    var jsonFields: [String: Any] { ["name": name, "in_features": inFeatures, "out_features": outFeatures] }
    var layer: Layer { .linear(self) }
    public var description: String { "\(name): Linear(in_features=\(inFeatures), out_features=\(outFeatures))" }

    func outputShape(_ input: SampleShape) throws -> SampleShape {
        guard case .vector(let n) = input else { throw ArchitectureError("cannot take a sample of shape \(input)") }
        guard inFeatures == n else { throw ArchitectureError("expects \(inFeatures) input features but receives \(n)") }
        guard outFeatures > 0 else { throw ArchitectureError("needs a positive output size") }
        return .vector(outFeatures)
    }

    var parameters: [ParameterSpec] {
        [
            ParameterSpec(name: "\(name).weight", shape: [outFeatures, inFeatures], fanIn: inFeatures),
            ParameterSpec(name: "\(name).bias", shape: [outFeatures], fanIn: inFeatures),
        ]
    }

    func forwardFLOPs(input: SampleShape, output: SampleShape) -> Int { 2 * inFeatures * outFeatures }

    /// One dense step on the whole batch; a ReLU after it fuses in.
    func compile(into plan: inout NetworkPlan.Builder, input: SampleShape, output: SampleShape) {
        plan.flattened = true
        let weight = plan.takeParameters(inFeatures * outFeatures + outFeatures)
        let geometry = DenseGeometry(
            inFeatures: inFeatures, outFeatures: outFeatures, weight: weight, bias: weight + inFeatures * outFeatures)
        plan.vectorSteps.append(.dense(DenseStep(geometry: geometry)))
    }
}

/// A linear layer as the engine runs it on a batch: `input · Wᵀ + b`, then ReLU when `relu`
/// (the architecture's next layer). Inference reads weights packed into register tiles once;
/// training reads the arena's, which change every step.
struct DenseStep: Sendable {
    let geometry: DenseGeometry
    var relu = false

    /// Floats of packed inference weights.
    func packedWeightCount(_ kernels: any KernelSet.Type) -> Int { kernels.packedDenseCount(geometry) }

    /// Floats of inference scratch for `rows` samples.
    func inferenceScratchCount(_ kernels: any KernelSet.Type, rows: Int) -> Int {
        kernels.packedDenseScratchCount(geometry, rows: rows)
    }

    /// Packs the weights for `inferenceForward`; `packed` must be zeroed.
    func packWeights(_ kernels: any KernelSet.Type, parameters: UnsafePointer<Float>, into packed: UnsafeMutablePointer<Float>) {
        kernels.packDenseWeights(geometry, parameters: parameters, into: packed)
    }

    /// Inference over `rows` samples from `packWeights`' output.
    func inferenceForward(
        _ c: StepContext, packed: UnsafePointer<Float>, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        rows: Int, scratch: UnsafeMutablePointer<Float>
    ) {
        c.kernels.packedDenseForward(
            geometry, relu: relu, packed: packed, bias: c.parameters + geometry.bias, input: input, output: output,
            rows: rows, scratch: scratch)
    }

    /// Training's forward pass over `rows` samples.
    func forward(_ c: StepContext, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, rows: Int) {
        c.kernels.blockedDenseForward(geometry, relu: relu, parameters: c.parameters, input: input, output: output, rows: rows)
    }

    /// Masks `outputGradient` by the ReLU (in place); writes the weight gradient, or adds to it when
    /// `accumulateWeights`; adds the bias gradient; and writes the input gradient when asked for.
    func backward(
        _ c: StepContext, gradients: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, activation: UnsafePointer<Float>,
        outputGradient: UnsafeMutablePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?, rows: Int,
        accumulateWeights: Bool
    ) {
        if relu { c.kernels.reluMask(outputGradient, activation: activation, count: rows * geometry.outFeatures) }
        c.kernels.denseBackward(
            geometry, parameters: c.parameters, gradients: gradients, input: input, outputGradient: outputGradient,
            inputGradient: inputGradient, rows: rows, accumulateWeights: accumulateWeights)
    }
}
