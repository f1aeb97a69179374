/// One layer of a sequential network, described the way PyTorch names and shapes it.
///
/// Layers with parameters carry the `name` of their PyTorch module, so their tensors are
/// `"\(name).weight"` and `"\(name).bias"`, as in a `state_dict`.
public enum Layer: Sendable, Hashable {
    /// `nn.Conv2d(inChannels, outChannels, kernel, stride=1, padding=padding)`, weight `[out, in, k, k]`.
    case conv2d(name: String, inChannels: Int, outChannels: Int, kernel: Int, padding: Int)
    /// `nn.ReLU()`.
    case relu
    /// `nn.MaxPool2d(kernel)`: window = stride = `kernel`, floor rounding.
    case maxPool2d(kernel: Int)
    /// `nn.Flatten()`: per sample, in (C, H, W) order.
    case flatten
    /// `nn.Linear(inFeatures, outFeatures)`, weight `[out, in]`.
    case linear(name: String, inFeatures: Int, outFeatures: Int)
    /// The digit-sum head (see `DigitSum`): takes `[11, H, W]` logits, one distribution over
    /// {no digit, 0, …, 9} per location, and outputs `log P(sum = s)` for s in `0..<classes`,
    /// the exact distribution of the sum of independent locations. No parameters.
    case digitSum(classes: Int)
}

/// The shape of one sample between layers: `[C, H, W]` before flattening, `[features]` after.
public enum SampleShape: Sendable, Hashable, CustomStringConvertible {
    case image(channels: Int, height: Int, width: Int)
    case vector(Int)

    /// Number of floats per sample.
    public var count: Int {
        switch self {
        case let .image(c, h, w): return c * h * w
        case let .vector(n): return n
        }
    }

    public var description: String {
        switch self {
        case let .image(c, h, w): return "\(c)×\(h)×\(w)"
        case let .vector(n): return "\(n)"
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
        guard !channels.isEmpty, channels.allSatisfy({ $0 > 0 }) else { throw ArchitectureError("channels must be positive, got \(channels)") }
        guard hidden > 0 else { throw ArchitectureError("hidden width must be positive, got \(hidden)") }
        guard classes >= 2 else { throw ArchitectureError("need at least 2 classes, got \(classes)") }
        var layers: [Layer] = []
        var inChannels = 1
        var h = height, w = width
        for (index, outChannels) in channels.enumerated() {
            layers += [.conv2d(name: "conv\(index + 1)", inChannels: inChannels, outChannels: outChannels, kernel: kernel, padding: kernel / 2),
                       .relu, .maxPool2d(kernel: 2)]
            inChannels = outChannels
            h /= 2; w /= 2
        }
        layers += [.flatten,
                   .linear(name: "fc1", inFeatures: inChannels * h * w, outFeatures: hidden), .relu,
                   .linear(name: "fc2", inFeatures: hidden, outFeatures: classes)]
        return try Architecture(name: "seed", inputHeight: height, inputWidth: width, layers: layers)
    }

    /// The sample shape after each layer (`result[i]` is the output of `layers[i]`);
    /// throws if a layer does not fit the shape it receives.
    public func shapes() throws -> [SampleShape] {
        guard inputHeight > 0, inputWidth > 0 else { throw ArchitectureError("input size must be positive, got \(inputHeight)×\(inputWidth)") }
        var shape = SampleShape.image(channels: 1, height: inputHeight, width: inputWidth)
        var result: [SampleShape] = []
        for (index, layer) in layers.enumerated() {
            let place = "layer \(index) (\(layer))"
            switch (layer, shape) {
            case let (.conv2d(_, cin, cout, k, p), .image(c, h, w)):
                guard cin == c else { throw ArchitectureError("\(place) expects \(cin) input channels but receives \(c)") }
                guard cout > 0, k > 0, k % 2 == 1, p >= 0 else { throw ArchitectureError("\(place) needs positive channels, an odd kernel and padding ≥ 0") }
                let oh = h + 2 * p - k + 1, ow = w + 2 * p - k + 1
                guard oh > 0, ow > 0 else { throw ArchitectureError("\(place) leaves no output on a \(h)×\(w) input") }
                shape = .image(channels: cout, height: oh, width: ow)
            case (.relu, _):
                break
            case let (.maxPool2d(k), .image(c, h, w)):
                guard k > 0, h / k > 0, w / k > 0 else { throw ArchitectureError("\(place) leaves no output on a \(h)×\(w) input") }
                shape = .image(channels: c, height: h / k, width: w / k)
            case (.flatten, _):
                shape = .vector(shape.count)
            case let (.digitSum(classes), .image(c, _, _)):
                guard c == DigitSum.symbols else {
                    throw ArchitectureError("\(place) needs \(DigitSum.symbols) channels (no digit, 0…9) but receives \(c)")
                }
                guard classes >= 2 else { throw ArchitectureError("\(place) needs at least 2 classes") }
                shape = .vector(classes)
            case let (.linear(_, fin, fout), .vector(n)):
                guard fin == n else { throw ArchitectureError("\(place) expects \(fin) input features but receives \(n)") }
                guard fout > 0 else { throw ArchitectureError("\(place) needs a positive output size") }
                shape = .vector(fout)
            default:
                throw ArchitectureError("\(place) cannot take a sample of shape \(shape)")
            }
            result.append(shape)
        }
        guard case .vector = shape else { throw ArchitectureError("the network must end in a vector of class scores, not \(shape)") }
        return result
    }

    /// Number of output classes (the size of the last layer's output).
    public var classes: Int { (try? shapes().last?.count) ?? 0 }

    /// Every parameter tensor, in `state_dict` order.
    public var parameters: [ParameterSpec] {
        layers.flatMap { layer -> [ParameterSpec] in
            switch layer {
            case let .conv2d(name, cin, cout, k, _):
                return [ParameterSpec(name: "\(name).weight", shape: [cout, cin, k, k], fanIn: cin * k * k),
                        ParameterSpec(name: "\(name).bias", shape: [cout], fanIn: cin * k * k)]
            case let .linear(name, fin, fout):
                return [ParameterSpec(name: "\(name).weight", shape: [fout, fin], fanIn: fin),
                        ParameterSpec(name: "\(name).bias", shape: [fout], fanIn: fin)]
            case .relu, .maxPool2d, .flatten, .digitSum:
                return []
            }
        }
    }

    /// Total number of trainable floats.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// Multiply-adds × 2 for one sample's forward pass (the digit-sum head counts its convolution
    /// of value distributions, at most 10 multiply-adds per location and class).
    public var forwardFLOPs: Int {
        guard let shapes = try? shapes() else { return 0 }
        let inputs = [SampleShape.image(channels: 1, height: inputHeight, width: inputWidth)] + shapes
        var flops = 0
        for (layer, (input, out)) in zip(layers, zip(inputs, shapes)) {
            switch (layer, input, out) {
            case let (.conv2d(_, cin, _, k, _), _, .image(c, h, w)): flops += 2 * c * h * w * cin * k * k
            case let (.linear(_, fin, fout), _, _): flops += 2 * fin * fout
            case let (.digitSum(classes), .image(_, h, w), _): flops += 2 * 10 * classes * h * w
            default: break
            }
        }
        return flops
    }
}
