/// Where a digit-sum network reads an image when it averages over grid phases.
///
/// digitsum reads digits in the cells of its last feature map, `stride` px apart (the product of
/// its pooling kernels). Most of its errors are counting errors where a digit straddles two cells,
/// and where the cell boundaries fall depends on where the grid lies on the image. With `phases`
/// P > 1 the image is placed at P offsets, `k·stride/P` px for k = 0…P−1, along each axis that
/// spans two cells or more, in a zero canvas `stride` px larger along that axis; the network runs on
/// every placement and its log-probabilities of the sum are averaged. (A 28-px row spans one cell
/// in height: padding it there would give a second row of cells that reads every digit again.)
///
/// This needs a network that takes any image size and outputs log-probabilities: a digit-sum head
/// and no linear layers. One phase, or an image too small to phase, is the single unpadded pass.
public struct GridPlacements: Sendable, Hashable {
    /// One placement: the image's top-left corner in the canvas.
    public struct Offset: Sendable, Hashable {
        public var top: Int
        public var left: Int
    }

    /// Offsets per phased axis, as asked for (1: one unpadded pass).
    public let phases: Int
    /// Distance between the cells of the last feature map, in pixels.
    public let stride: Int
    /// Every placement, top offsets outer, left offsets inner.
    public let offsets: [Offset]
    /// The image and the canvas it is placed in (equal when there is a single pass).
    public let imageHeight: Int
    public let imageWidth: Int
    public let canvasHeight: Int
    public let canvasWidth: Int

    /// The placements of `phases` phases for `architecture`'s input size. Throws if `phases` is
    /// below 1, above the cell stride, or above 1 for a network that cannot take another size.
    public init(architecture: Architecture, phases: Int) throws {
        let stride = architecture.layers.reduce(1) { product, layer in
            if case .maxPool2d(let pool) = layer { return product * pool.kernel }
            return product
        }
        guard phases >= 1 else { throw EngineError("grid phases must be 1 or more, got \(phases)") }
        if phases > 1 {
            let readsAnySize = architecture.layers.allSatisfy {
                switch $0 {
                case .flatten, .linear: false
                default: true
                }
            }
            guard readsAnySize, case .digitSum = architecture.layers.last else {
                throw EngineError(
                    "grid-phase averaging needs a digit-sum network (--arch digitsum); the \(architecture.name) network ends in linear layers that take one image size only, so it reads with 1 phase"
                )
            }
            guard phases <= stride else {
                throw EngineError("at most \(stride) grid phases: the cells of the \(architecture.name) network are \(stride) px apart")
            }
        }
        let height = architecture.inputHeight
        let width = architecture.inputWidth
        let phasedHeight = phases > 1 && height / stride >= 2
        let phasedWidth = phases > 1 && width / stride >= 2
        let tops = phasedHeight ? (0..<phases).map { $0 * stride / phases } : [0]
        let lefts = phasedWidth ? (0..<phases).map { $0 * stride / phases } : [0]
        self.phases = phases
        self.stride = stride
        offsets = tops.flatMap { top in lefts.map { Offset(top: top, left: $0) } }
        imageHeight = height
        imageWidth = width
        canvasHeight = phasedHeight ? height + stride : height
        canvasWidth = phasedWidth ? width + stride : width
    }

    /// True when the network reads each image once, as it is (one offset means no axis is phased,
    /// so the canvas is the image).
    public var isSinglePass: Bool { offsets.count == 1 }

    /// How an image is read, for summaries: "4 placements per image (grid phases 4)".
    public var readingSummary: String { "\(offsets.count) placements per image (grid phases \(phases))" }

    /// `architecture` resized to take the canvas (itself when there is a single pass).
    func canvasArchitecture(of architecture: Architecture) throws -> Architecture {
        try Architecture(name: architecture.name, inputHeight: canvasHeight, inputWidth: canvasWidth, layers: architecture.layers)
    }

    /// Writes `count` images (`imageHeight × imageWidth` each) at `offset` into zeroed canvases.
    func place(_ images: UnsafePointer<Float>, count: Int, at offset: Offset, into canvases: UnsafeMutablePointer<Float>) {
        let canvasCount = canvasHeight * canvasWidth
        canvases.update(repeating: 0, count: count * canvasCount)
        for image in 0..<count {
            let source = images + image * imageHeight * imageWidth
            let target = canvases + image * canvasCount + offset.top * canvasWidth + offset.left
            for row in 0..<imageHeight {
                (target + row * canvasWidth).update(from: source + row * imageWidth, count: imageWidth)
            }
        }
    }
}
