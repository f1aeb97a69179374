/// What `sumd import` may state about the network; every nil field is read off the tensors.
public struct ArchitectureHints: Sendable, Hashable {
    /// The input size: convolutions do not fix it, so it is always given.
    public var height: Int
    public var width: Int
    public var channels: [Int]?
    /// Seed: the hidden Linear width; digitsum: the context conv's width.
    public var hidden: Int?
    public var kernel: Int?
    public var classes: Int?

    public init(height: Int, width: Int, channels: [Int]? = nil, hidden: Int? = nil, kernel: Int? = nil, classes: Int? = nil) {
        self.height = height
        self.width = width
        self.channels = channels
        self.hidden = hidden
        self.kernel = kernel
        self.classes = classes
    }
}

extension Architecture {
    /// The architecture a `state_dict` (tensor name → shape, wrapper prefixes already removed) was
    /// saved from: digitsum when it has `head.weight`, seed when it has `fc1.weight` and `fc2.weight`;
    /// channels, hidden width, kernel and (seed) classes from the shapes of `conv1…`, `fc1`, `fc2`
    /// or `head`. `hints` override what they state. A digitsum head has no tensor that fixes the
    /// classes: they come from `hints`, else `fileClasses` (a `classes` metadata entry), else
    /// `defaultDigitSumClasses`. `source` names the file in errors.
    public static func inferred(
        from shapes: [String: [Int]], hints: ArchitectureHints, fileClasses: Int? = nil,
        source: String
    ) throws -> Architecture {
        func fail(_ problem: String) -> CheckpointError { CheckpointError("\(source): \(problem)") }
        var convolutions: [[Int]] = []
        while let shape = shapes["conv\(convolutions.count + 1).weight"] {
            guard shape.count == 4, shape[2] == shape[3] else {
                throw fail("tensor 'conv\(convolutions.count + 1).weight' has shape \(shape), but a Conv2d weight is [out, in, k, k]")
            }
            convolutions.append(shape)
        }
        let names = shapes.keys.sorted().joined(separator: ", ")
        guard let first = convolutions.first else {
            throw fail(
                "has no tensor 'conv1.weight', so it is neither a seed network (conv1…, fc1, fc2) nor a digitsum network (conv1…, head); its tensors: \(names)"
            )
        }
        let kernel = hints.kernel ?? first[2]
        do {
            if let head = shapes["head.weight"] {
                guard head.count == 4, head[0] == DigitSum.symbols else {
                    throw fail("tensor 'head.weight' has shape \(head), but a digitsum head is [\(DigitSum.symbols), context, 1, 1]")
                }
                guard convolutions.count >= 2 else {
                    throw fail("a digitsum network needs conv blocks and a context conv before 'head', but it has only conv1")
                }
                // The shapes cannot tell a conv block from a context conv: without `hints.channels`
                // the last conv is the one context conv, with them the convs past the blocks are.
                let contextLayers = hints.channels.map { convolutions.count - $0.count } ?? 1
                guard contextLayers >= 1 else {
                    throw fail(
                        "--channels names \(hints.channels!.count) conv blocks, but the file has \(convolutions.count) convs before 'head', one of which must be the context conv"
                    )
                }
                let channels = hints.channels ?? convolutions.dropLast().map { $0[0] }
                let context = hints.hidden ?? convolutions[convolutions.count - 1][0]
                func build(classes: Int) throws -> Architecture {
                    try .digitSum(
                        height: hints.height, width: hints.width, channels: channels, context: context,
                        contextLayers: contextLayers, kernel: kernel, classes: classes)
                }
                if let classes = hints.classes ?? fileClasses { return try build(classes: classes) }
                return try build(classes: defaultDigitSumClasses(for: build(classes: 2)))
            }
            guard let fc1 = shapes["fc1.weight"], let fc2 = shapes["fc2.weight"] else {
                throw fail(
                    "has neither 'head.weight' (digitsum) nor 'fc1.weight' and 'fc2.weight' (seed), so its architecture is unknown; its tensors: \(names)"
                )
            }
            guard fc1.count == 2, fc2.count == 2 else {
                throw fail("tensors 'fc1.weight' \(fc1) and 'fc2.weight' \(fc2) must be Linear weights [out, in]")
            }
            let architecture = try Architecture.seed(
                height: hints.height, width: hints.width, channels: hints.channels ?? convolutions.map { $0[0] },
                hidden: hints.hidden ?? fc1[0], kernel: kernel, classes: hints.classes ?? fc2[0])
            if let needed = architecture.parameters.first(where: { $0.name == "fc1.weight" })?.shape[1], needed != fc1[1] {
                throw fail(
                    "'fc1.weight' takes \(fc1[1]) features, but on a \(hints.height)×\(hints.width) input the conv blocks give \(needed): is --input the size the network was trained on?"
                )
            }
            return architecture
        } catch let error as ArchitectureError {
            throw fail(error.description)
        }
    }

    /// Classes for a digitsum network whose file does not say: every sum of as many 28-px digits
    /// as fit in the input side by side (5 on 28×140, so 46 classes, what `sumd synth` rows and
    /// `sumd train`'s default give), and at most 9 per cell of `architecture`'s feature map.
    public static func defaultDigitSumClasses(for architecture: Architecture) -> Int {
        let slots = max(1, (architecture.inputHeight / 28) * (architecture.inputWidth / 28))
        let shapes = (try? architecture.shapes()) ?? []
        let cells = shapes.count >= 2 ? shapes[shapes.count - 2].count / DigitSum.symbols : slots
        return 9 * min(slots, cells) + 1
    }
}
