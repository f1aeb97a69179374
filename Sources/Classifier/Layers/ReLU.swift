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
