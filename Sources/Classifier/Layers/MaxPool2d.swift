import KernelInterface

/// `nn.MaxPool2d(kernel)`: window = stride = `kernel`, floor rounding.
public struct MaxPool2d: Sendable, Hashable, CustomStringConvertible, LayerKind {
    public var kernel: Int

    public init(kernel: Int) { self.kernel = kernel }

    static let typeName = "max_pool2d"
    init(json: LayerJSON) throws { self.init(kernel: try json.integer("kernel")) }
    var jsonFields: [String: Any] { ["kernel": kernel] }
    var layer: Layer { .maxPool2d(self) }
    public var description: String { "MaxPool2d(kernel_size=\(kernel))" }

    func outputShape(_ input: SampleShape) throws -> SampleShape {
        let (c, h, w) = try input.image()
        guard kernel > 0, h / kernel > 0, w / kernel > 0 else { throw ArchitectureError("leaves no output on a \(h)×\(w) input") }
        return .image(channels: c, height: h / kernel, width: w / kernel)
    }

    /// One pooling step (fused into the convolution before it at inference, see `InferenceStep.fuse`).
    func compile(into plan: inout NetworkPlan.Builder, input: SampleShape, output: SampleShape) {
        guard case .image(let c, let h, let w) = input, case .image(_, let oh, let ow) = output else { return }
        plan.imageSteps.append(.maxPool(PoolGeometry(channels: c, kernel: kernel, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow)))
    }
}
