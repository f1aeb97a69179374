/// `nn.Flatten()`: per sample, in (C, H, W) order.
struct Flatten: LayerKind {
    static let typeName = "flatten"
    init() {}
    init(json: LayerJSON) throws {}
    var jsonFields: [String: Any] { [:] }
    var layer: Layer { .flatten }
    var description: String { "Flatten()" }

    func outputShape(_ input: SampleShape) throws -> SampleShape { .vector(input.count) }

    /// No step: in NCHW the last image step's outputs already are the feature vectors.
    func compile(into plan: inout NetworkPlan.Builder, input: SampleShape, output: SampleShape) {
        plan.flattened = true
    }
}
