extension Architecture {
    /// A network that reads each digit and adds: `channels.count` blocks of Conv2d(k, padding k/2)
    /// + ReLU + MaxPool2d(2), `contextLayers` more Conv2d(k) → `context` + ReLU at the cell grid
    /// (the first widens each location's view to a whole digit; a second lets a cell see what its
    /// neighbours make of a digit they share, so that one of them claims it), a 1×1 Conv2d `head` →
    /// 11 logits per location (no digit, 0…9), and the `digitSum` layer, whose outputs are
    /// `log P(sum = s)`. The context convs are named on from the blocks: `conv5`, `conv6`, …
    ///
    /// Nothing ties it to a layout: every cell of the final feature map may hold a digit, so it
    /// serves rows of digits and digits anywhere in a square alike. With the defaults the cells are
    /// 16 px apart (1×8 of them on 28×140) and each sees 78×78 px. Cells closer than a digit's
    /// width let one digit be read by two cells as parts of its value (6 as 5 + 1): with four
    /// blocks instead of three, 1-digit test images went from 92% to 94% right and 5-digit ones
    /// from 61% to 66% (12 epochs of MNIST rows, see docs/usage.md).
    public static func digitSum(
        height: Int = 28, width: Int = 140, channels: [Int] = [32, 64, 64, 64], context: Int = 64,
        contextLayers: Int = 1, kernel: Int = 3, classes: Int = 46
    ) throws -> Architecture {
        guard kernel > 0, kernel % 2 == 1 else { throw ArchitectureError("kernel size must be odd and positive, got \(kernel)") }
        guard !channels.isEmpty, channels.allSatisfy({ $0 > 0 }) else {
            throw ArchitectureError("channels must be positive, got \(channels)")
        }
        guard context > 0 else { throw ArchitectureError("context width must be positive, got \(context)") }
        guard contextLayers > 0 else { throw ArchitectureError("need at least 1 context layer, got \(contextLayers)") }
        guard classes >= 2 else { throw ArchitectureError("need at least 2 classes, got \(classes)") }
        var layers: [Layer] = []
        var inChannels = 1
        for (index, outChannels) in channels.enumerated() {
            layers += [
                .conv2d(name: "conv\(index + 1)", inChannels: inChannels, outChannels: outChannels, kernel: kernel, padding: kernel / 2),
                .relu, .maxPool2d(kernel: 2),
            ]
            inChannels = outChannels
        }
        for index in channels.count..<(channels.count + contextLayers) {
            layers += [
                .conv2d(name: "conv\(index + 1)", inChannels: inChannels, outChannels: context, kernel: kernel, padding: kernel / 2),
                .relu,
            ]
            inChannels = context
        }
        layers += [
            .conv2d(name: "head", inChannels: context, outChannels: DigitSum.symbols, kernel: 1, padding: 0),
            .digitSum(classes: classes),
        ]
        return try Architecture(name: "digitsum", inputHeight: height, inputWidth: width, layers: layers)
    }
}
