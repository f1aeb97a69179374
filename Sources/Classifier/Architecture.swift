/// The shape of one sample between layers: `[C, H, W]` before flattening, `[features]` after.
public enum SampleShape: Sendable, Hashable, CustomStringConvertible {
    case image(channels: Int, height: Int, width: Int)
    case vector(Int)

    /// Number of floats per sample.
    public var count: Int {
        switch self {
        case .image(let c, let h, let w): return c * h * w
        case .vector(let n): return n
        }
    }

    public var description: String {
        switch self {
        case .image(let c, let h, let w): return "\(c)×\(h)×\(w)"
        case .vector(let n): return "\(n)"
        }
    }
}

/// A parameter tensor the architecture needs, in `state_dict` order.
public struct ParameterSpec: Sendable, Hashable {
    /// PyTorch `state_dict` key, e.g. `conv1.weight`.
    public var name: String
    /// PyTorch layout: conv `[out, in, k, k]`, linear `[out, in]`, bias `[out]`.
    public var shape: [Int]
    /// Fan-in used by PyTorch's default initialisation (`in × k × k` or `in`).
    public var fanIn: Int

    public var count: Int { shape.reduce(1, *) }
}

/// Why an architecture description cannot be built.
public struct ArchitectureError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A network as data: input size, layers, and number of classes.
///
/// Checkpoints carry this description, so inference never re-declares the network.
public struct Architecture: Sendable, Hashable {
    /// A short family name (`"seed"` for the seed's CNN).
    public var name: String
    /// Input image height and width; the input has one channel.
    public var inputHeight: Int
    public var inputWidth: Int
    /// The layers, applied in order to an input of shape `[1, inputHeight, inputWidth]`.
    public var layers: [Layer]

    public init(name: String, inputHeight: Int, inputWidth: Int, layers: [Layer]) throws {
        self.name = name
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.layers = layers
        _ = try shapes()
    }

    /// The seed's network: `channels.count` blocks of Conv2d(k, padding k/2)+ReLU+MaxPool2d(2),
    /// Flatten, Linear→`hidden`, ReLU, Linear→`classes`.
    /// With the defaults this is the golden `seed-model` (32/64/128 on 28×140, 46 classes).
    public static func seed(
        height: Int = 28, width: Int = 140, channels: [Int] = [32, 64], hidden: Int = 128,
        kernel: Int = 3, classes: Int = 46
    ) throws -> Architecture {
        guard kernel > 0, kernel % 2 == 1 else { throw ArchitectureError("kernel size must be odd and positive, got \(kernel)") }
        guard !channels.isEmpty, channels.allSatisfy({ $0 > 0 }) else {
            throw ArchitectureError("channels must be positive, got \(channels)")
        }
        guard hidden > 0 else { throw ArchitectureError("hidden width must be positive, got \(hidden)") }
        guard classes >= 2 else { throw ArchitectureError("need at least 2 classes, got \(classes)") }
        var layers: [Layer] = []
        var inChannels = 1
        var h = height
        var w = width
        for (index, outChannels) in channels.enumerated() {
            layers += [
                .conv2d(name: "conv\(index + 1)", inChannels: inChannels, outChannels: outChannels, kernel: kernel, padding: kernel / 2),
                .relu, .maxPool2d(kernel: 2),
            ]
            inChannels = outChannels
            h /= 2
            w /= 2
        }
        layers += [
            .flatten,
            .linear(name: "fc1", inFeatures: inChannels * h * w, outFeatures: hidden), .relu,
            .linear(name: "fc2", inFeatures: hidden, outFeatures: classes),
        ]
        return try Architecture(name: "seed", inputHeight: height, inputWidth: width, layers: layers)
    }

    /// The sample shape after each layer (`result[i]` is the output of `layers[i]`);
    /// throws if a layer does not fit the shape it receives.
    public func shapes() throws -> [SampleShape] {
        guard inputHeight > 0, inputWidth > 0 else {
            throw ArchitectureError("input size must be positive, got \(inputHeight)×\(inputWidth)")
        }
        var shape = SampleShape.image(channels: 1, height: inputHeight, width: inputWidth)
        var result: [SampleShape] = []
        for (index, layer) in layers.enumerated() {
            do { shape = try layer.kind.outputShape(shape) } catch let error as ArchitectureError {
                throw ArchitectureError("layer \(index) (\(layer)) \(error.description)")
            }
            result.append(shape)
        }
        guard case .vector = shape else { throw ArchitectureError("the network must end in a vector of class scores, not \(shape)") }
        return result
    }

    /// Number of output classes (the size of the last layer's output).
    public var classes: Int { (try? shapes().last?.count) ?? 0 }

    /// Every parameter tensor, in `state_dict` order.
    public var parameters: [ParameterSpec] { layers.flatMap(\.kind.parameters) }

    /// Total number of trainable floats.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// Multiply-adds × 2 for one sample's forward pass (see each layer kind's `forwardFLOPs`).
    public var forwardFLOPs: Int {
        guard let shapes = try? shapes() else { return 0 }
        var flops = 0
        var input = SampleShape.image(channels: 1, height: inputHeight, width: inputWidth)
        for (layer, output) in zip(layers, shapes) {
            flops += layer.kind.forwardFLOPs(input: input, output: output)
            input = output
        }
        return flops
    }
}
