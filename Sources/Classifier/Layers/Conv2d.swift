import KernelInterface

/// `nn.Conv2d(inChannels, outChannels, kernel, stride=1, padding=padding)`, weight `[out, in, k, k]`.
public struct Conv2d: Sendable, Hashable, CustomStringConvertible, LayerKind {
    public var name: String
    public var inChannels: Int
    public var outChannels: Int
    public var kernel: Int
    public var padding: Int

    public init(name: String, inChannels: Int, outChannels: Int, kernel: Int, padding: Int) {
        self.name = name
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.padding = padding
    }

    static let typeName = "conv2d"

    init(json: LayerJSON) throws {
        self.init(
            name: try json.string("name"), inChannels: try json.integer("in_channels"), outChannels: try json.integer("out_channels"),
            kernel: try json.integer("kernel"), padding: try json.integer("padding"))
    }

    var jsonFields: [String: Any] {
        ["name": name, "in_channels": inChannels, "out_channels": outChannels, "kernel": kernel, "padding": padding]
    }

    var layer: Layer { .conv2d(self) }

    public var description: String { "\(name): Conv2d(\(inChannels), \(outChannels), kernel_size=\(kernel), padding=\(padding))" }

    func outputShape(_ input: SampleShape) throws -> SampleShape {
        let (c, h, w) = try input.image()
        guard inChannels == c else { throw ArchitectureError("expects \(inChannels) input channels but receives \(c)") }
        guard outChannels > 0, kernel > 0, kernel % 2 == 1, padding >= 0 else {
            throw ArchitectureError("needs positive channels, an odd kernel and padding ≥ 0")
        }
        let oh = h + 2 * padding - kernel + 1
        let ow = w + 2 * padding - kernel + 1
        guard oh > 0, ow > 0 else { throw ArchitectureError("leaves no output on a \(h)×\(w) input") }
        return .image(channels: outChannels, height: oh, width: ow)
    }

    var parameters: [ParameterSpec] {
        let fanIn = inChannels * kernel * kernel
        return [
            ParameterSpec(name: "\(name).weight", shape: [outChannels, inChannels, kernel, kernel], fanIn: fanIn),
            ParameterSpec(name: "\(name).bias", shape: [outChannels], fanIn: fanIn),
        ]
    }

    func forwardFLOPs(input: SampleShape, output: SampleShape) -> Int {
        2 * output.count * inChannels * kernel * kernel
    }

    /// One convolution step (its kernels are `ConvolutionPlan`'s choice); a ReLU after it fuses in.
    func compile(into plan: inout NetworkPlan.Builder, input: SampleShape, output: SampleShape) {
        guard case .image(_, let h, let w) = input, case .image(_, let oh, let ow) = output else { return }
        let weight = plan.takeParameters(outChannels * inChannels * kernel * kernel + outChannels)
        let geometry = ConvolutionGeometry(
            inChannels: inChannels, outChannels: outChannels, kernel: kernel, padding: padding, inHeight: h, inWidth: w,
            outHeight: oh, outWidth: ow, weight: weight, bias: weight + outChannels * inChannels * kernel * kernel)
        plan.imageSteps.append(.convolution(ConvolutionStep(geometry)))
    }
}

/// A convolution as training runs it on one image: convolution + bias, then ReLU when `relu`
/// (the architecture's next layer), each pass by the kernels `plan` chose. Inference fuses the
/// max-pool after it and plans for that (`InferenceStep`).
struct ConvolutionStep: Sendable {
    let plan: ConvolutionPlan
    var relu = false

    init(_ geometry: ConvolutionGeometry) { plan = ConvolutionPlan(geometry) }

    var geometry: ConvolutionGeometry { plan.geometry }

    /// Floats of packed weights training needs: the forward kernel's, then the input gradient's.
    var packedWeightCount: Int { plan.forwardWeightCount + plan.inputGradientWeightCount }

    /// Packs the current parameters for `forward` and `backward` (`packedWeightCount` floats).
    func packWeights(_ c: StepContext, into packed: UnsafeMutablePointer<Float>) {
        plan.packForwardWeights(c.kernels, parameters: c.parameters, into: packed)
        plan.packInputGradientWeights(c.kernels, parameters: c.parameters, into: packed + plan.forwardWeightCount)
    }

    /// One image's output `[Cout, OH, OW]`; `packed` holds `packWeights`' output.
    func forward(
        _ c: StepContext, packed: UnsafePointer<Float>, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>
    ) {
        plan.forward(
            c.kernels, parameters: c.parameters, packed: packed, relu: relu, input: input, scratch: c.scratch,
            raw: c.raw, output: output)
    }

    /// One image's backward pass: masks `outputGradient` by the ReLU (in place), adds the bias
    /// and weight gradients to `gradients`, and writes the input gradient when one is asked for.
    func backward(
        _ c: StepContext, packed: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
        activation: UnsafePointer<Float>, outputGradient: UnsafeMutablePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>?
    ) {
        let g = geometry
        let kernels = c.kernels
        if relu { kernels.reluMask(outputGradient, activation: activation, count: g.outCount) }
        kernels.convolutionBiasGradient(g, outputGradient: outputGradient, gradients: gradients)
        if let layout = plan.blockedWeightGradient {
            kernels.padInput(g, layout: layout, input: input, padded: c.scratch)
            kernels.spreadGradient(g, layout: layout, dense: outputGradient, into: c.raw)
            kernels.blockedWeightGradient(g, layout: layout, outputGradient: c.raw, padded: c.scratch, gradients: gradients)
        } else {
            kernels.convolutionWeightGradient(
                g, input: input, outputGradient: outputGradient, gradients: gradients, columns: c.scratch)
        }
        guard let inputGradient else { return }
        let weights = packed + plan.forwardWeightCount
        switch plan.inputGradient {
        case .winograd(let transposed, let layout):
            kernels.winogradConvolution(
                transposed, layout: layout, packedWeights: weights, bias: nil, relu: false,
                input: outputGradient, scratch: c.scratch, products: c.raw, output: inputGradient)
        case .blocked(let transposed, let layout):
            kernels.blockedConvolution(
                transposed, layout: layout, packedWeights: weights, input: outputGradient, padded: c.scratch, output: c.raw)
            kernels.unpackBlocked(transposed, layout: layout, raw: c.raw, bias: nil, relu: false, output: inputGradient)
        case .im2col:
            kernels.convolutionInputGradient(
                g, parameters: c.parameters, outputGradient: outputGradient, inputGradient: inputGradient, columns: c.scratch)
        }
    }
}
