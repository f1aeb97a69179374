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
        plan.imageSteps.append(
            .convolution(
                ConvolutionGeometry(
                    inChannels: inChannels, outChannels: outChannels, kernel: kernel, padding: padding, inHeight: h, inWidth: w,
                    outHeight: oh, outWidth: ow, weight: weight, bias: weight + outChannels * inChannels * kernel * kernel),
                relu: false))
    }
}
