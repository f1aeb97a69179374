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
        plan.vectorSteps.append(
            .dense(
                DenseGeometry(
                    inFeatures: inFeatures, outFeatures: outFeatures, weight: weight,
                    bias: weight + inFeatures * outFeatures), relu: false))
    }
}
