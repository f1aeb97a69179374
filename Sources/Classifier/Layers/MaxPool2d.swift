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
        let geometry = PoolGeometry(channels: c, kernel: kernel, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow)
        plan.imageSteps.append(.maxPool(MaxPoolStep(geometry: geometry)))
    }
}

/// A max-pool as the engine runs it on one image (when it did not fuse into the convolution before it).
struct MaxPoolStep: Sendable {
    let geometry: PoolGeometry

    /// Pools one image; records where each maximum came from in `argmax` when training.
    func forward(
        _ c: StepContext, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>?
    ) {
        c.kernels.maxPoolForward(geometry, input: input, output: output, argmax: argmax)
    }

    /// Sends each output gradient back to where `forward` found its maximum (overwrites `inputGradient`).
    func backward(
        _ c: StepContext, argmax: UnsafePointer<Int32>, outputGradient: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>
    ) {
        c.kernels.maxPoolBackward(geometry, argmax: argmax, outputGradient: outputGradient, inputGradient: inputGradient)
    }
}
