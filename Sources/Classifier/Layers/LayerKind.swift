import Foundation

/// What one kind of layer is, in one place: its name in a checkpoint's architecture JSON, its
/// PyTorch printout, the shape it makes, its parameters, its FLOPs, and the engine steps it
/// compiles to, whose forward and backward passes sit in the same file. Each kind has one file in
/// this folder; which kernels a convolution runs is the kernel plan's (`ConvolutionPlan`). A new
/// kind is one new file plus one case of `Layer` and of `ImageStep` or `VectorStep`
/// (docs/kernels.md, "Adding a layer kind").
protocol LayerKind: Sendable, Hashable, CustomStringConvertible {
    /// The layer's `type` in a checkpoint's architecture JSON (`"conv2d"`).
    static var typeName: String { get }
    /// The layer read from its JSON object.
    init(json: LayerJSON) throws
    /// The fields of its JSON object besides `type`.
    var jsonFields: [String: Any] { get }
    /// This layer as a `Layer`.
    var layer: Layer { get }
    /// The shape of one sample after this layer. Throws an `ArchitectureError` whose text
    /// completes "layer i (…) …" when the layer cannot take `input`.
    func outputShape(_ input: SampleShape) throws -> SampleShape
    /// Its parameter tensors, in `state_dict` order.
    var parameters: [ParameterSpec] { get }
    /// Multiply-adds × 2 of one sample's forward pass.
    func forwardFLOPs(input: SampleShape, output: SampleShape) -> Int
    /// Appends the engine steps that compute it (`input` and `output` are its sample shapes).
    func compile(into plan: inout NetworkPlan.Builder, input: SampleShape, output: SampleShape)
}

extension LayerKind {
    /// The layer read from its JSON object, as a `Layer`.
    static func layer(json: LayerJSON) throws -> Layer { try Self(json: json).layer }

    var parameters: [ParameterSpec] { [] }
    func forwardFLOPs(input: SampleShape, output: SampleShape) -> Int { 0 }
}

/// One layer of a sequential network, described the way PyTorch names and shapes it.
///
/// Layers with parameters carry the `name` of their PyTorch module, so their tensors are
/// `"\(name).weight"` and `"\(name).bias"`, as in a `state_dict`.
public enum Layer: Sendable, Hashable, CustomStringConvertible {
    case conv2d(Conv2d)
    case relu
    case maxPool2d(MaxPool2d)
    case flatten
    case linear(Linear)
    case digitSum(DigitSumHead)

    /// Every kind's JSON `type` and how to read it, in the order error messages list them.
    static let readers: [(type: String, read: @Sendable (LayerJSON) throws -> Layer)] = [
        (Conv2d.typeName, Conv2d.layer), (ReLU.typeName, ReLU.layer), (MaxPool2d.typeName, MaxPool2d.layer),
        (Flatten.typeName, Flatten.layer), (Linear.typeName, Linear.layer), (DigitSumHead.typeName, DigitSumHead.layer),
    ]

    var kind: any LayerKind {
        switch self {
        case .conv2d(let layer): layer
        case .relu: ReLU()
        case .maxPool2d(let layer): layer
        case .flatten: Flatten()
        case .linear(let layer): layer
        case .digitSum(let layer): layer
        }
    }

    /// PyTorch's printout of the module, with its name when it has parameters
    /// (`conv1: Conv2d(1, 32, kernel_size=3, padding=1)`).
    public var description: String { kind.description }
}

/// A layer's JSON object in a checkpoint, with errors that name the file and the layer.
struct LayerJSON {
    let object: [String: Any]
    /// "layer 3".
    let place: String
    let fail: (String) -> CheckpointError

    func integer(_ key: String) throws -> Int {
        guard let number = object[key] as? NSNumber, let value = Int(exactly: number.doubleValue) else {
            throw fail("\(place) needs an integer \"\(key)\"")
        }
        return value
    }

    func string(_ key: String) throws -> String {
        guard let value = object[key] as? String else { throw fail("\(place) needs a string \"\(key)\"") }
        return value
    }
}

extension SampleShape {
    /// Channels, height and width of an image sample; throws for a vector.
    func image() throws -> (channels: Int, height: Int, width: Int) {
        guard case .image(let c, let h, let w) = self else { throw ArchitectureError("cannot take a sample of shape \(self)") }
        return (c, h, w)
    }
}

extension Layer {
    /// `.conv2d(Conv2d(…))`, spelled as in PyTorch's constructor.
    public static func conv2d(name: String, inChannels: Int, outChannels: Int, kernel: Int, padding: Int) -> Layer {
        .conv2d(Conv2d(name: name, inChannels: inChannels, outChannels: outChannels, kernel: kernel, padding: padding))
    }

    public static func maxPool2d(kernel: Int) -> Layer { .maxPool2d(MaxPool2d(kernel: kernel)) }

    public static func linear(name: String, inFeatures: Int, outFeatures: Int) -> Layer {
        .linear(Linear(name: name, inFeatures: inFeatures, outFeatures: outFeatures))
    }

    public static func digitSum(classes: Int) -> Layer { .digitSum(DigitSumHead(classes: classes)) }
}
