/// Every trainable float of a network in one flat arena, in `architecture.parameters` (state_dict) order.
///
/// One contiguous array lets Adam, zero-grad and gradient reduction be single loops, and lets a
/// checkpoint be written tensor by tensor with `tensors()`.
public struct Parameters: Sendable, Equatable {
    /// The network these parameters belong to.
    public let architecture: Architecture
    /// The parameter tensors' names, shapes and fan-ins, in arena order.
    public let specs: [ParameterSpec]
    /// Where each tensor of `specs` lives in `values` (same order as `specs`).
    public let ranges: [Range<Int>]
    /// The arena: all tensors back to back, each in PyTorch layout (conv `[out, in, k, k]`, linear `[out, in]`).
    public internal(set) var values: [Float]

    /// Freshly initialised parameters, the way PyTorch initialises `Conv2d` and `Linear`:
    /// weights and biases uniform in `±1/√fan_in` (Kaiming-uniform with a = √5), drawn in arena
    /// order from a `SeededGenerator(seed:)`. A convolution feeding a digit-sum head then gets a
    /// prior on its "no digit" bias (`DigitSum.noDigitPriorBias(locations:)`).
    public init(architecture: Architecture, seed: UInt64) {
        self.init(layoutOf: architecture)
        var generator = SeededGenerator(seed: seed)
        for (spec, range) in zip(specs, ranges) {
            let bound = 1 / Float(spec.fanIn).squareRoot()
            for index in range {
                values[index] = generator.nextFloat(symmetricBound: bound)
            }
        }
        setDigitSumPriors()
    }

    /// A convolution that feeds a digit-sum head directly starts with its "no digit" bias at
    /// `DigitSum.noDigitPriorBias(locations:)` (see there why).
    private mutating func setDigitSumPriors() {
        guard let shapes = try? architecture.shapes() else { return }
        for (index, layer) in architecture.layers.enumerated() where index > 0 {
            guard case .digitSum = layer, case .conv2d(let convolution) = architecture.layers[index - 1],
                case .image(_, let h, let w) = shapes[index - 1], let bias = range(of: "\(convolution.name).bias")
            else { continue }
            values[bias.lowerBound + DigitSum.noDigitChannel] = DigitSum.noDigitPriorBias(locations: h * w)
        }
    }

    /// Parameters from named tensors (e.g. a checkpoint or a PyTorch `state_dict`).
    ///
    /// Throws if a tensor the architecture needs is missing, if there is a tensor it does not
    /// know, or if a tensor has the wrong number of values.
    public init(architecture: Architecture, tensors: [String: [Float]]) throws {
        self.init(layoutOf: architecture)
        let known = Set(specs.map(\.name))
        let unexpected = tensors.keys.filter { !known.contains($0) }.sorted()
        guard unexpected.isEmpty else {
            throw EngineError(
                "unexpected tensor(s) \(unexpected.joined(separator: ", ")) for the \(architecture.name) architecture, which has \(specs.map(\.name).joined(separator: ", "))"
            )
        }
        for (spec, range) in zip(specs, ranges) {
            guard let tensor = tensors[spec.name] else {
                throw EngineError("missing tensor \(spec.name) (shape \(spec.shape)) for the \(architecture.name) architecture")
            }
            guard tensor.count == spec.count else {
                throw EngineError("tensor \(spec.name) has \(tensor.count) values, but shape \(spec.shape) needs \(spec.count)")
            }
            values.replaceSubrange(range, with: tensor)
        }
    }

    /// An arena of zeros laid out for `architecture`.
    private init(layoutOf architecture: Architecture) {
        self.architecture = architecture
        specs = architecture.parameters
        var offset = 0
        ranges = specs.map { spec in
            defer { offset += spec.count }
            return offset..<(offset + spec.count)
        }
        values = [Float](repeating: 0, count: offset)
    }

    /// The arena range of the tensor called `name` (a state_dict key such as `conv1.weight`).
    public func range(of name: String) -> Range<Int>? {
        specs.firstIndex { $0.name == name }.map { ranges[$0] }
    }

    /// A copy of the tensor called `name`, or nil if the architecture has no such tensor.
    public func tensor(named name: String) -> [Float]? {
        range(of: name).map { Array(values[$0]) }
    }

    /// Every tensor as (name, PyTorch shape, values), in state_dict order.
    public func tensors() -> [(name: String, shape: [Int], values: [Float])] {
        zip(specs, ranges).map { spec, range in (spec.name, spec.shape, Array(values[range])) }
    }
}
